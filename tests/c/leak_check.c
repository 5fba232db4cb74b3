/* Leaks one handle on purpose: scripts/test-c.sh requires valgrind and LeakSanitizer to report
 * it. The library keeps a registry of live handles (src/boundary.rs); were the registry to hold
 * their addresses, a handle the program never frees would look reachable and go unreported. */
#include "check.h"

int main(void) {
  ssj_calendar *cal = NULL;
  OK(ssj_calendar_china(&cal));
  bool working = false;
  OK(ssj_calendar_is_working_day(cal, "2026-10-10", &working));
  CHECK(working);
  cal = NULL; /* the only pointer to it is gone: a leak */
  printf("leak_check: %d passed, one calendar leaked on purpose\n", checks_passed);
  return 0;
}
