/*
 * shuangsuiji from C: validate credit codes, build a target pool, draw, verify, read errors.
 *
 * Build and run after `scripts/install-c.sh PREFIX`:
 *   export PKG_CONFIG_PATH=PREFIX/lib/pkgconfig
 *   cc draw_and_verify.c $(pkg-config --cflags --libs shuangsuiji) -o draw_and_verify
 *   LD_LIBRARY_PATH=PREFIX/lib ./draw_and_verify
 *
 * Conventions (docs/C-API.md): every call returns an ssj_result, SSJ_OK (0) on success;
 * ssj_last_error() says what went wrong; strings the library returns are freed with
 * ssj_string_free, handles with ssj_<type>_free.
 */
#include <stdio.h>
#include <stdlib.h>

#include "shuangsuiji.h"

/* Stops with the library's explanation when a call fails. */
static void must(ssj_result r, const char *what) {
  if (r != SSJ_OK) {
    fprintf(stderr, "%s failed: %s: %s\n", what, ssj_result_message(r), ssj_last_error());
    exit(1);
  }
}

int main(void) {
  printf("shuangsuiji %s\n", ssj_version());

  /* 1. Credit codes: one, then a whole column at once. */
  const char *codes[] = {"91350100M000100Y43", "91350100M000100Y44", "9135010"};
  ssj_code_check checks[3];
  uint32_t positions[3];
  size_t invalid = 0;
  must(ssj_credit_codes_validate(codes, 3, checks, positions, &invalid), "validate codes");
  printf("%zu of 3 codes invalid\n", invalid);
  if (ssj_credit_code_validate(codes[1]) != SSJ_OK) {
    printf("code %s: %s\n", codes[1], ssj_last_error());
  }

  /* 2. A target pool from columns (the fast path), then frozen. */
  enum { N = 1000 };
  static char id_text[N][8];
  const char *ids[N], *grades[N];
  static const char *grade_of[] = {"A", "B", "C", "D", ""}; /* "" = not yet graded */
  for (int i = 0; i < N; i++) {
    snprintf(id_text[i], sizeof id_text[i], "E%04d", i);
    ids[i] = id_text[i];
    grades[i] = grade_of[i % 5];
  }
  ssj_target_columns columns = {0};
  columns.len = N;
  columns.ids = ids;
  columns.grades = grades;
  ssj_target_pool *pool = NULL;
  must(ssj_target_pool_from_columns(&columns, &pool), "build the pool");
  must(ssj_target_pool_add(pool, "91350100M000100Y43", "91350100M000100Y43", "示例食品店",
                           "enterprise", "350100", NULL, "D", "active", "餐饮服务", 0, false),
       "add a row");
  ssj_frozen_pool *frozen = NULL;
  must(ssj_target_pool_freeze(pool, &frozen), "freeze");
  char *digest = NULL;
  must(ssj_frozen_pool_digest(frozen, &digest), "digest");
  printf("pool of %zu targets, digest %.16s…\n", ssj_frozen_pool_len(frozen), digest);

  /* 3. The draw: the seed comes from a lottery result published after the pool. */
  char *seed = NULL;
  must(ssj_seed_from_public_entropy("双色球 2026130期", "03 07 12 19 25 31 + 09", "2026-SCJG-001",
                                    &seed),
       "seed");
  char request[1024];
  snprintf(request, sizeof request,
           "{\"task_id\": \"2026-SCJG-001\", \"seed\": \"%s\","
           " \"seed_origin\": {\"method\": \"public_entropy\", \"source\": \"双色球 2026130期\","
           " \"value\": \"03 07 12 19 25 31 + 09\"},"
           " \"policy\": {\"ratios\": {\"A\": \"5%%\", \"B\": \"20%%\", \"C\": \"60%%\","
           " \"D\": \"100%%\", \"ungraded\": \"10%%\"}}}",
           seed);
  ssj_draw_record *record = NULL;
  must(ssj_draw(frozen, request, &record), "draw");
  ssj_draw_counts counts;
  must(ssj_draw_record_counts(record, &counts), "counts");
  printf("drawn %llu of %llu (A %llu, B %llu, C %llu, D %llu, ungraded %llu)\n",
         (unsigned long long)counts.selected, (unsigned long long)counts.pool_size,
         (unsigned long long)counts.sample_size[0], (unsigned long long)counts.sample_size[1],
         (unsigned long long)counts.sample_size[2], (unsigned long long)counts.sample_size[3],
         (unsigned long long)counts.sample_size[4]);
  for (size_t i = 0; i < 3; i++) {
    const char *id;
    double probability;
    must(ssj_draw_record_selected(record, i, &id, &probability, NULL, NULL), "selected");
    printf("  %s  π = %.2f\n", id, probability);
  }

  /* 4. Publish the record; anyone with the pool re-runs it. */
  char *published = NULL;
  must(ssj_draw_record_to_json(record, &published), "record to JSON");
  size_t mismatches = 0;
  must(ssj_verify_record_json(frozen, published, &mismatches, NULL), "verify");
  printf("verification: %s\n", mismatches == 0 ? "the record reproduces exactly" : "MISMATCH");

  /* 5. Errors are values with an explanation, never a crash. */
  ssj_result r = ssj_draw(frozen, "{\"task_id\": \"x\"}", &record);
  printf("bad request: %s (%s)\n", ssj_result_message(r), ssj_last_error());

  ssj_string_free(published);
  ssj_string_free(seed);
  ssj_string_free(digest);
  ssj_draw_record_free(record);
  ssj_frozen_pool_free(frozen);
  ssj_target_pool_free(pool);
  return mismatches == 0 ? 0 : 1;
}
