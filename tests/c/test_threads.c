/* The thread-safety promises of docs/C-API.md: a frozen pool (and a calendar) may be used by
 * several threads at once; every thread draws the same record from one frozen pool, and each
 * thread's last error is its own. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>

#include "check.h"

#define THREADS 4
#define DRAWS 3
#define TARGETS 1000

static ssj_frozen_pool *shared_pool;
static ssj_calendar *shared_calendar;
static char *request;
static char *expected_json;

struct job {
  int index;
  int failures;
};

static void *work(void *arg) {
  struct job *job = arg;
  for (int i = 0; i < DRAWS; i++) {
    ssj_draw_record *record = NULL;
    char *json = NULL;
    if (ssj_draw(shared_pool, request, &record) != SSJ_OK ||
        ssj_draw_record_to_json(record, &json) != SSJ_OK || strcmp(json, expected_json) != 0) {
      job->failures++;
    }
    size_t mismatches = 1;
    if (ssj_draw_record_verify(record, shared_pool, &mismatches, NULL) != SSJ_OK ||
        mismatches != 0) {
      job->failures++;
    }
    ssj_string_free(json);
    ssj_draw_record_free(record);

    bool working = false;
    if (ssj_calendar_is_working_day(shared_calendar, "2026-10-10", &working) != SSJ_OK ||
        !working) {
      job->failures++;
    }
    /* Each thread fails in its own way and reads back its own message. */
    if (ssj_seed_from_public_entropy("s", "v", "", NULL) != SSJ_NULL_POINTER) job->failures++;
    char bad[64];
    snprintf(bad, sizeof bad, "2026-13-%02d", job->index);
    if (ssj_calendar_is_working_day(shared_calendar, bad, &working) != SSJ_BAD_DATE ||
        strstr(ssj_last_error(), bad) == NULL) {
      job->failures++;
    }
  }
  return NULL;
}

int main(void) {
  const char **ids = calloc(TARGETS, sizeof *ids);
  const char **grades = calloc(TARGETS, sizeof *grades);
  char *buf = calloc(TARGETS, 8);
  static const char *g[] = {"A", "B", "C", "D", ""};
  for (int i = 0; i < TARGETS; i++) {
    snprintf(buf + 8 * i, 8, "E%04d", i);
    ids[i] = buf + 8 * i;
    grades[i] = g[i % 5];
  }
  ssj_target_columns cols = {0};
  cols.len = TARGETS;
  cols.ids = ids;
  cols.grades = grades;
  ssj_target_pool *pool = NULL;
  OK(ssj_target_pool_from_columns(&cols, &pool));
  OK(ssj_target_pool_freeze(pool, &shared_pool));
  ssj_target_pool_free(pool);
  free(ids);
  free(grades);
  free(buf);
  OK(ssj_calendar_china(&shared_calendar));

  char *seed = NULL;
  OK(ssj_seed_from_public_entropy("beacon", "42", "T-THREADS", &seed));
  request = malloc(1024);
  snprintf(request, 1024,
           "{\"task_id\": \"T-THREADS\", \"seed\": \"%s\", \"seed_origin\": {\"method\": "
           "\"public_entropy\", \"source\": \"beacon\", \"value\": \"42\"}, \"policy\": "
           "{\"ratios\": {\"A\": \"5%%\", \"B\": \"20%%\", \"C\": \"60%%\", \"D\": \"100%%\", "
           "\"ungraded\": \"10%%\"}}}",
           seed);
  ssj_string_free(seed);
  ssj_draw_record *record = NULL;
  OK(ssj_draw(shared_pool, request, &record));
  OK(ssj_draw_record_to_json(record, &expected_json));
  ssj_draw_record_free(record);

  pthread_t threads[THREADS];
  struct job jobs[THREADS];
  for (int t = 0; t < THREADS; t++) {
    jobs[t].index = t + 1;
    jobs[t].failures = 0;
    CHECK(pthread_create(&threads[t], NULL, work, &jobs[t]) == 0);
  }
  for (int t = 0; t < THREADS; t++) {
    CHECK(pthread_join(threads[t], NULL) == 0);
    CHECK(jobs[t].failures == 0);
  }
  /* The main thread's last error is untouched by the others' failures. */
  CHECK(strstr(ssj_last_error(), "2026-13") == NULL);

  ssj_string_free(expected_json);
  free(request);
  ssj_calendar_free(shared_calendar);
  ssj_frozen_pool_free(shared_pool);
  printf("test_threads: %d passed, 0 failed\n", checks_passed);
  return 0;
}
