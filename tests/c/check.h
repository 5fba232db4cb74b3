/* Tiny assertion helpers shared by the C tests: every check counts, the first failure stops
 * the program with the call, the line and the library's last error. */
#ifndef SSJ_TEST_CHECK_H
#define SSJ_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shuangsuiji.h"

static int checks_passed = 0;

#define CHECK(expr)                                                                     \
  do {                                                                                  \
    if (!(expr)) {                                                                      \
      fprintf(stderr, "%s:%d: check failed: %s\n  last error: %s\n", __FILE__, __LINE__, \
              #expr, ssj_last_error());                                                 \
      exit(1);                                                                          \
    }                                                                                   \
    checks_passed++;                                                                    \
  } while (0)

/* A call that must return `code`. */
#define EXPECT(call, code)                                                                  \
  do {                                                                                      \
    ssj_result r_ = (call);                                                                 \
    if (r_ != (ssj_result)(code)) {                                                         \
      fprintf(stderr, "%s:%d: %s returned %u (%s), expected %s\n  last error: %s\n",       \
              __FILE__, __LINE__, #call, (unsigned)r_, ssj_result_message(r_), #code,       \
              ssj_last_error());                                                            \
      exit(1);                                                                              \
    }                                                                                       \
    checks_passed++;                                                                        \
  } while (0)

#define OK(call) EXPECT(call, SSJ_OK)

/* The last error must mention `text`. */
#define ERROR_SAYS(text) CHECK(strstr(ssj_last_error(), (text)) != NULL)

#define CONTAINS(haystack, needle) CHECK(strstr((haystack), (needle)) != NULL)

#endif
