#define _POSIX_C_SOURCE 200809L
/* Every function of include/shuangsuiji.h, its success and its error paths. Run under
 * valgrind by scripts/test-c.sh: a leak or an invalid access fails the run. */
#include <stdint.h>

#include "check.h"

static const char *VALID = "91350100M000100Y43";
/* A pointer the library never made: the initial value of out-parameters (which must keep it on
 * failure) and a foreign "handle" (which must be refused). It points to storage as large and as
 * aligned as anything a handle check could read, so that the test itself stays within bounds
 * whatever the library does (it once pointed to a 4-byte int, and the old tag check read 8). */
static uint64_t sentinel_storage[8];
#define SENTINEL ((void *)sentinel_storage)

static const char *POLICY =
    "{\"ratios\": {\"A\": \"10%\", \"B\": \"20%\", \"C\": \"50%\", \"D\": \"100%\", "
    "\"ungraded\": \"10%\"}, \"bounds\": {\"A\": {}, \"B\": {}, \"C\": {}, \"D\": {}, "
    "\"ungraded\": {}}, \"size\": {\"mode\": \"by_ratio\"}, \"exclusions\": {\"inactive\": "
    "true, \"positive_list\": true}, \"weighting\": \"uniform\"}";

/* A draw request for `task` with a seed from a public value. Free with ssj_string_free. */
static char *request_for(const char *task, const char *policy) {
  char *seed = NULL;
  OK(ssj_seed_from_public_entropy("双色球 2026130期", "03 07 12 19 25 31 + 09", task, &seed));
  size_t n = strlen(policy) + strlen(task) + 512;
  char *json = malloc(n);
  snprintf(json, n,
           "{\"task_id\": \"%s\", \"seed\": \"%s\", \"seed_origin\": {\"method\": "
           "\"public_entropy\", \"source\": \"双色球 2026130期\", \"value\": \"03 07 12 19 25 31 "
           "+ 09\"}, \"policy\": %s}",
           task, seed, policy);
  ssj_string_free(seed);
  return json;
}

/* `s` with its first `from` replaced by `to` (free with free). */
static char *replaced(const char *s, const char *from, const char *to) {
  const char *at = strstr(s, from);
  CHECK(at != NULL);
  size_t head = (size_t)(at - s);
  char *out = malloc(strlen(s) - strlen(from) + strlen(to) + 1);
  memcpy(out, s, head);
  strcpy(out + head, to);
  strcat(out, at + strlen(from));
  return out;
}

static void test_basics(void) {
  CHECK(strcmp(ssj_version(), SSJ_VERSION) == 0);
  CHECK(SSJ_VERSION_MAJOR == 0 && SSJ_VERSION_MINOR >= 1);
  CHECK(strcmp(ssj_result_message(SSJ_OK), "success") == 0);
  CHECK(strcmp(ssj_result_message(9999), "unknown result code") == 0);
  for (uint32_t c = 0; c <= SSJ_CATALOG; c++) CHECK(strlen(ssj_result_message(c)) > 0);
  CHECK(ssj_last_error() != NULL);
  ssj_string_free(NULL);
}

static void test_credit_codes(void) {
  OK(ssj_credit_code_validate(VALID));
  EXPECT(ssj_credit_code_validate("91350100M000100Y44"), SSJ_BAD_CREDIT_CODE);
  ERROR_SAYS("expected '3', found '4'");
  EXPECT(ssj_credit_code_validate(NULL), SSJ_NULL_POINTER);
  ERROR_SAYS("code is NULL");
  EXPECT(ssj_credit_code_validate("9135\xff"), SSJ_INVALID_UTF8);
  ERROR_SAYS("byte 5");

  const char *codes[] = {VALID, "91350100M000100Y44", "9135", "91350100M000100I43", "\xfe"};
  ssj_code_check checks[5];
  uint32_t positions[5];
  size_t invalid = 99;
  OK(ssj_credit_codes_validate(codes, 5, checks, positions, &invalid));
  CHECK(invalid == 4);
  CHECK(checks[0] == SSJ_CODE_VALID && positions[0] == 0);
  CHECK(checks[1] == SSJ_CODE_WRONG_CHECK && positions[1] == 18);
  CHECK(checks[2] == SSJ_CODE_WRONG_LENGTH && positions[2] == 4);
  CHECK(checks[3] == SSJ_CODE_INVALID_CHARACTER && positions[3] == 16);
  CHECK(checks[4] == SSJ_CODE_NOT_UTF8 && positions[4] == 1);
  OK(ssj_credit_codes_validate(codes, 2, checks, NULL, &invalid)); /* positions optional */
  CHECK(invalid == 1);
  OK(ssj_credit_codes_validate(NULL, 0, NULL, NULL, &invalid)); /* empty */
  CHECK(invalid == 0);
  EXPECT(ssj_credit_codes_validate(NULL, 2, checks, NULL, &invalid), SSJ_NULL_POINTER);
  EXPECT(ssj_credit_codes_validate(codes, 2, NULL, NULL, &invalid), SSJ_NULL_POINTER);
  EXPECT(ssj_credit_codes_validate(codes, 2, checks, NULL, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_credit_codes_validate(codes, SIZE_MAX, checks, NULL, &invalid), SSJ_BAD_LENGTH);
  const char *with_null[] = {VALID, NULL};
  EXPECT(ssj_credit_codes_validate(with_null, 2, checks, NULL, &invalid), SSJ_NULL_POINTER);
  ERROR_SAYS("codes[1]");
}

static void test_target_pool(void) {
  ssj_target_pool *pool = SENTINEL;
  EXPECT(ssj_target_pool_new(NULL), SSJ_NULL_POINTER);
  OK(ssj_target_pool_new(&pool));
  OK(ssj_target_pool_add(pool, "T1", VALID, "大冶市示例餐饮店", "individual_business", "420281",
                         "H62", "c", "active", "餐饮服务; 食品经营", 10, false));
  OK(ssj_target_pool_add(pool, "T2", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, true));
  OK(ssj_target_pool_add(pool, "T3", "", "", "", "", "", "", "", "", 0, false));
  EXPECT(ssj_target_pool_add(pool, "T1", NULL, NULL, NULL, NULL, NULL, "A", NULL, NULL, 0, false),
         SSJ_POOL);
  ERROR_SAYS("\"T1\" is already in the pool");
  EXPECT(ssj_target_pool_add(pool, "T9", NULL, NULL, NULL, NULL, NULL, "E", NULL, NULL, 0, false),
         SSJ_BAD_NAME);
  ERROR_SAYS("target \"T9\": field grade");
  EXPECT(ssj_target_pool_add(pool, "T9", NULL, NULL, "shop", NULL, NULL, NULL, NULL, NULL, 0, 0),
         SSJ_BAD_NAME);
  ERROR_SAYS("field kind");
  EXPECT(ssj_target_pool_add(pool, "T9", NULL, NULL, NULL, NULL, NULL, NULL, "gone", NULL, 0, 0),
         SSJ_BAD_NAME);
  EXPECT(ssj_target_pool_add(pool, "T9", "123", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0),
         SSJ_BAD_CREDIT_CODE);
  ERROR_SAYS("field credit_code");
  EXPECT(ssj_target_pool_add(pool, "", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0),
         SSJ_BAD_ID);
  EXPECT(ssj_target_pool_add(pool, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0),
         SSJ_NULL_POINTER);
  EXPECT(ssj_target_pool_add(pool, "T9", NULL, "\xc3", NULL, NULL, NULL, NULL, NULL, NULL, 0, 0),
         SSJ_INVALID_UTF8);
  ERROR_SAYS("name is not valid UTF-8");
  EXPECT(ssj_target_pool_add(pool, "T9", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 2000000,
                             0),
         SSJ_POOL);
  ERROR_SAYS("risk_score");
  EXPECT(ssj_target_pool_add(NULL, "T9", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0),
         SSJ_NULL_POINTER);
  CHECK(ssj_target_pool_len(pool) == 3);

  OK(ssj_target_pool_add_json(pool, "{\"id\": \"T4\", \"grade\": \"B\", \"tags\": [\"餐饮服务\"]}"));
  EXPECT(ssj_target_pool_add_json(pool, "{\"id\": \"T5\", \"colour\": 1}"), SSJ_BAD_JSON);
  ERROR_SAYS("unknown field `colour`");
  EXPECT(ssj_target_pool_add_json(pool, "{"), SSJ_BAD_JSON);
  EXPECT(ssj_target_pool_add_json(pool, NULL), SSJ_NULL_POINTER);
  bool replaced = true;
  OK(ssj_target_pool_upsert_json(pool, "{\"id\": \"T5\", \"grade\": \"D\"}", &replaced));
  CHECK(!replaced);
  OK(ssj_target_pool_upsert_json(pool, "{\"id\": \"T5\", \"grade\": \"A\"}", &replaced));
  CHECK(replaced);
  OK(ssj_target_pool_upsert_json(pool, "{\"id\": \"T5\", \"grade\": \"A\"}", NULL));
  EXPECT(ssj_target_pool_upsert_json(pool, "[]", NULL), SSJ_BAD_JSON);
  OK(ssj_target_pool_set_grade(pool, "T5", "b"));
  OK(ssj_target_pool_set_grade(pool, "T5", NULL));
  EXPECT(ssj_target_pool_set_grade(pool, "nope", "A"), SSJ_POOL);
  ERROR_SAYS("\"nope\" is not in the pool");
  EXPECT(ssj_target_pool_set_grade(pool, "T5", "Z"), SSJ_BAD_NAME);
  OK(ssj_target_pool_set_status(pool, "T5", "revoked"));
  EXPECT(ssj_target_pool_set_status(pool, "T5", "asleep"), SSJ_BAD_NAME);
  EXPECT(ssj_target_pool_set_status(pool, "T5", NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_target_pool_set_status(pool, "nope", "active"), SSJ_POOL);
  OK(ssj_target_pool_remove(pool, "T5"));
  EXPECT(ssj_target_pool_remove(pool, "T5"), SSJ_POOL);
  EXPECT(ssj_target_pool_remove(pool, NULL), SSJ_NULL_POINTER);
  CHECK(ssj_target_pool_len(pool) == 4);
  CHECK(ssj_target_pool_len(NULL) == 0);
  ERROR_SAYS("pool is NULL");

  ssj_frozen_pool *frozen = SENTINEL;
  EXPECT(ssj_target_pool_freeze(pool, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_target_pool_freeze(NULL, &frozen), SSJ_NULL_POINTER);
  CHECK(frozen == SENTINEL); /* out-parameters are written only on success */
  OK(ssj_target_pool_freeze(pool, &frozen));
  CHECK(ssj_frozen_pool_len(frozen) == 4);
  char *hex = NULL;
  OK(ssj_frozen_pool_digest(frozen, &hex));
  CHECK(strlen(hex) == 64);
  EXPECT(ssj_frozen_pool_digest(frozen, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_frozen_pool_digest(NULL, &hex), SSJ_NULL_POINTER);

  /* Wrong handle types are refused, not misread. */
  CHECK(ssj_frozen_pool_len((const ssj_frozen_pool *)pool) == 0);
  ERROR_SAYS("not a live ssj_frozen_pool handle");
  CHECK(ssj_target_pool_len((const ssj_target_pool *)frozen) == 0);
  ERROR_SAYS("not a live ssj_target_pool handle");
  ssj_target_pool_free((ssj_target_pool *)frozen); /* refused: frozen stays alive */
  ERROR_SAYS("not a live ssj_target_pool handle");
  CHECK(ssj_frozen_pool_len(frozen) == 4);
  char odd[16] = {0};
  CHECK(ssj_target_pool_len((const ssj_target_pool *)(odd + 1)) == 0); /* misaligned */
  ERROR_SAYS("not a live");

  ssj_target_pool *thawed = NULL;
  OK(ssj_frozen_pool_thaw(frozen, &thawed));
  CHECK(ssj_target_pool_len(thawed) == 4);
  EXPECT(ssj_frozen_pool_thaw(frozen, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_frozen_pool_thaw(NULL, &thawed), SSJ_NULL_POINTER);

  /* Freezing the same content loaded in another order gives the same digest. */
  ssj_target_pool *json_pool = NULL;
  EXPECT(ssj_target_pool_from_json("[{\"id\": \"X\"}, {\"id\": \"X\"}]", &json_pool),
         SSJ_POOL);
  ERROR_SAYS("rows 1 and 2");
  EXPECT(ssj_target_pool_from_json("{}", &json_pool), SSJ_BAD_JSON);
  EXPECT(ssj_target_pool_from_json(NULL, &json_pool), SSJ_NULL_POINTER);
  EXPECT(ssj_target_pool_from_json("[]", NULL), SSJ_NULL_POINTER);
  OK(ssj_target_pool_from_json("[{\"id\": \"B\"}, {\"id\": \"A\"}]", &json_pool));
  ssj_target_pool *json_pool2 = NULL;
  OK(ssj_target_pool_from_json("[{\"id\": \"A\"}, {\"id\": \"B\"}]", &json_pool2));
  ssj_frozen_pool *f1 = NULL, *f2 = NULL;
  OK(ssj_target_pool_freeze(json_pool, &f1));
  OK(ssj_target_pool_freeze(json_pool2, &f2));
  char *h1 = NULL, *h2 = NULL;
  OK(ssj_frozen_pool_digest(f1, &h1));
  OK(ssj_frozen_pool_digest(f2, &h2));
  CHECK(strcmp(h1, h2) == 0 && strcmp(h1, hex) != 0);

  ssj_string_free(h1);
  ssj_string_free(h2);
  ssj_string_free(hex);
  ssj_frozen_pool_free(f1);
  ssj_frozen_pool_free(f2);
  ssj_target_pool_free(json_pool);
  ssj_target_pool_free(json_pool2);
  ssj_target_pool_free(thawed);
  ssj_frozen_pool_free(frozen);
  ssj_target_pool_free(pool);
  ssj_target_pool_free(NULL);
  ssj_frozen_pool_free(NULL);
}

/* A pool of `n` targets E0000.. with grades A-D and ungraded, built from columns. */
static ssj_target_pool *column_pool(size_t n) {
  const char **ids = calloc(n, sizeof *ids);
  const char **grades = calloc(n, sizeof *grades);
  const char **tags = calloc(n, sizeof *tags);
  uint32_t *scores = calloc(n, sizeof *scores);
  uint8_t *positive = calloc(n, sizeof *positive);
  char *buf = calloc(n, 8);
  static const char *g[] = {"A", "B", "C", "D", ""};
  for (size_t i = 0; i < n; i++) {
    snprintf(buf + 8 * i, 8, "E%04u", (unsigned)(i % 10000));
    ids[i] = buf + 8 * i;
    grades[i] = i % 7 == 6 ? NULL : g[i % 5]; /* NULL element: the default (ungraded) */
    tags[i] = i % 2 ? "餐饮服务" : "食品销售;餐饮服务";
    scores[i] = (uint32_t)(i % 100) + 1;
  }
  ssj_target_columns cols = {0};
  cols.len = n;
  cols.ids = ids;
  cols.grades = grades;
  cols.tags = tags;
  cols.risk_scores = scores;
  cols.positive_list = positive;
  ssj_target_pool *pool = NULL;
  OK(ssj_target_pool_from_columns(&cols, &pool));
  free(ids);
  free(grades);
  free(tags);
  free(scores);
  free(positive);
  free(buf);
  return pool;
}

static void test_columns(void) {
  ssj_target_pool *pool = column_pool(40);
  CHECK(ssj_target_pool_len(pool) == 40);
  ssj_target_pool_free(pool);

  const char *ids[] = {"A1", "A2", "A3", "A4"};
  const char *grades[] = {"A", "B", "C", "X"};
  const char *kinds[] = {"enterprise", NULL, "product", "project"};
  const char *names[] = {"甲", "乙", "丙", "丁"};
  const char *statuses[] = {"active", "active", "revoked", "moved_out"};
  const char *codes[] = {VALID, NULL, "", NULL};
  const char *regions[] = {"420281", "420281", "420282", NULL};
  const char *industries[] = {"H62", "", NULL, "C14"};
  ssj_target_columns cols = {0};
  cols.len = 4;
  cols.ids = ids;
  cols.grades = grades;
  cols.kinds = kinds;
  cols.names = names;
  cols.statuses = statuses;
  cols.credit_codes = codes;
  cols.regions = regions;
  cols.industries = industries;
  ssj_target_pool *out = SENTINEL;
  EXPECT(ssj_target_pool_from_columns(&cols, &out), SSJ_BAD_NAME);
  ERROR_SAYS("index 3: target \"A4\": field grade");
  CHECK(out == SENTINEL);
  cols.len = 3;
  OK(ssj_target_pool_from_columns(&cols, &out));
  CHECK(ssj_target_pool_len(out) == 3);
  ssj_target_pool_free(out);

  const char *dup[] = {"D1", "D1"};
  ssj_target_columns d = {0};
  d.len = 2;
  d.ids = dup;
  EXPECT(ssj_target_pool_from_columns(&d, &out), SSJ_POOL);
  ERROR_SAYS("duplicate target id \"D1\": rows 1 and 2");
  const char *holes[] = {"H1", NULL};
  d.ids = holes;
  EXPECT(ssj_target_pool_from_columns(&d, &out), SSJ_NULL_POINTER);
  ERROR_SAYS("index 1: ids is NULL");
  d.ids = NULL;
  EXPECT(ssj_target_pool_from_columns(&d, &out), SSJ_NULL_POINTER);
  ERROR_SAYS("columns->ids is NULL");
  d.ids = dup;
  d.len = SIZE_MAX;
  EXPECT(ssj_target_pool_from_columns(&d, &out), SSJ_BAD_LENGTH);
  EXPECT(ssj_target_pool_from_columns(NULL, &out), SSJ_NULL_POINTER);
  EXPECT(ssj_target_pool_from_columns(&d, NULL), SSJ_NULL_POINTER);
  d.len = 0;
  d.ids = NULL;
  OK(ssj_target_pool_from_columns(&d, &out)); /* an empty pool */
  CHECK(ssj_target_pool_len(out) == 0);
  ssj_target_pool_free(out);
}

static void test_draw(void) {
  ssj_target_pool *pool = column_pool(200);
  ssj_frozen_pool *frozen = NULL;
  OK(ssj_target_pool_freeze(pool, &frozen));
  char *request = request_for("2026-SCJG-001", POLICY);

  ssj_draw_record *record = SENTINEL;
  EXPECT(ssj_draw(frozen, "{}", &record), SSJ_BAD_JSON);
  ERROR_SAYS("request_json");
  CHECK(record == SENTINEL);
  EXPECT(ssj_draw(NULL, request, &record), SSJ_NULL_POINTER);
  EXPECT(ssj_draw(frozen, NULL, &record), SSJ_NULL_POINTER);
  EXPECT(ssj_draw(frozen, request, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_draw((const ssj_frozen_pool *)pool, request, &record), SSJ_WRONG_HANDLE);
  /* A seed that does not derive from its stated origin is refused. */
  char *other = request_for("2026-SCJG-002", POLICY);
  char *swapped = strstr(other, "2026-SCJG-002");
  memcpy(swapped, "2026-SCJG-003", 13);
  EXPECT(ssj_draw(frozen, other, &record), SSJ_DRAW);
  ERROR_SAYS("seed");
  ssj_string_free(NULL);
  free(other);

  OK(ssj_draw(frozen, request, &record));
  ssj_draw_counts counts;
  OK(ssj_draw_record_counts(record, &counts));
  CHECK(counts.pool_size == 200);
  CHECK(counts.excluded == 0 && counts.out_of_scope == 0);
  uint64_t eligible = 0, drawn = 0;
  for (int s = 0; s < 5; s++) {
    eligible += counts.eligible[s];
    drawn += counts.sample_size[s];
  }
  CHECK(eligible == 200 && drawn == counts.selected);
  CHECK(counts.sample_size[3] == counts.eligible[3]); /* D: 100% */
  EXPECT(ssj_draw_record_counts(record, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_draw_record_counts(NULL, &counts), SSJ_NULL_POINTER);

  size_t n = ssj_draw_record_selected_len(record);
  CHECK(n == counts.selected && n > 0);
  CHECK(ssj_draw_record_selected_len(NULL) == 0);
  const char *id = NULL;
  double p = 0, w = 0;
  uint32_t stratum = 9;
  OK(ssj_draw_record_selected(record, 0, &id, &p, &w, &stratum));
  CHECK(id[0] == 'E' && strlen(id) == 5);
  CHECK(p > 0 && p <= 1 && w >= 1 && stratum < 5);
  OK(ssj_draw_record_selected(record, n - 1, NULL, NULL, NULL, NULL));
  EXPECT(ssj_draw_record_selected(record, n, &id, &p, &w, &stratum), SSJ_INDEX_OUT_OF_RANGE);
  ERROR_SAYS("selected targets");
  EXPECT(ssj_draw_record_selected(NULL, 0, &id, NULL, NULL, NULL), SSJ_NULL_POINTER);

  ssj_str *ids = calloc(n, sizeof *ids);
  double *probs = calloc(n, sizeof *probs);
  double *weights = calloc(n, sizeof *weights);
  OK(ssj_draw_record_copy_selected(record, 0, n, ids, probs, weights));
  CHECK(ids[0].len == strlen(id) && memcmp(ids[0].data, id, ids[0].len) == 0);
  for (size_t i = 0; i < n; i++) {
    const char *one = NULL;
    double p1 = 0, w1 = 0;
    OK(ssj_draw_record_selected(record, i, &one, &p1, &w1, NULL));
    CHECK(ids[i].len == strlen(one) && memcmp(ids[i].data, one, ids[i].len) == 0);
    CHECK(probs[i] == p1 && weights[i] == w1);
    if (i > 0) CHECK(strcmp(one, id) > 0); /* canonical order */
    id = one;
  }
  OK(ssj_draw_record_copy_selected(record, 1, n - 1, ids, NULL, NULL));
  OK(ssj_draw_record_copy_selected(record, n, 0, NULL, NULL, NULL));
  EXPECT(ssj_draw_record_copy_selected(record, 1, n, ids, probs, weights), SSJ_INDEX_OUT_OF_RANGE);
  EXPECT(ssj_draw_record_copy_selected(record, SIZE_MAX, 2, ids, NULL, NULL),
         SSJ_INDEX_OUT_OF_RANGE);
  EXPECT(ssj_draw_record_copy_selected(NULL, 0, 1, ids, NULL, NULL), SSJ_NULL_POINTER);
  free(ids);
  free(probs);
  free(weights);

  char *json = NULL;
  OK(ssj_draw_record_to_json(record, &json));
  CONTAINS(json, "shuangsuiji/draw-record");
  EXPECT(ssj_draw_record_to_json(record, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_draw_record_to_json(NULL, &json), SSJ_NULL_POINTER);

  size_t mismatches = 99;
  char *list = NULL;
  OK(ssj_draw_record_verify(record, frozen, &mismatches, &list));
  CHECK(mismatches == 0 && strcmp(list, "[]") == 0);
  ssj_string_free(list);
  OK(ssj_draw_record_verify(record, frozen, &mismatches, NULL));
  EXPECT(ssj_draw_record_verify(record, frozen, NULL, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_draw_record_verify(record, NULL, &mismatches, NULL), SSJ_NULL_POINTER);
  OK(ssj_verify_record_json(frozen, json, &mismatches, &list));
  CHECK(mismatches == 0);
  ssj_string_free(list);
  EXPECT(ssj_verify_record_json(frozen, "{\"format\": 1}", &mismatches, &list), SSJ_BAD_JSON);
  EXPECT(ssj_verify_record_json(frozen, NULL, &mismatches, &list), SSJ_NULL_POINTER);
  EXPECT(ssj_verify_record_json(frozen, json, NULL, &list), SSJ_NULL_POINTER);

  /* Against another pool, the record does not reproduce, and says why. */
  OK(ssj_target_pool_remove(pool, "E0001"));
  ssj_frozen_pool *changed = NULL;
  OK(ssj_target_pool_freeze(pool, &changed));
  OK(ssj_verify_record_json(changed, json, &mismatches, &list));
  CHECK(mismatches > 0);
  CONTAINS(list, "\"message\"");
  CONTAINS(list, "digest");
  ssj_string_free(list);
  OK(ssj_draw_record_verify(record, changed, &mismatches, &list));
  CHECK(mismatches > 0);
  ssj_string_free(list);

  ssj_draw_record *again = NULL;
  OK(ssj_draw_record_from_json(json, &again));
  CHECK(ssj_draw_record_selected_len(again) == n);
  EXPECT(ssj_draw_record_from_json("null", &again), SSJ_BAD_JSON);
  /* A field the library does not know is refused, at the top and nested, naming the field. */
  /* The field goes just after each `after`, or just before each `before`. */
  const struct {
    const char *after, *before;
  } places[] = {{"{", NULL},
                {"\"algorithm\": {", NULL},
                {"\"pool\": {", NULL},
                {"\"seed_origin\": {", NULL},
                {NULL, "\"not_active\""}, /* the record's exclusion counts */
                {NULL, "\"sample_size\""}, /* a stratum */
                {NULL, "\"design_weight\""}}; /* a selected target */
  for (size_t i = 0; i < sizeof places / sizeof *places; i++) {
    char with[64];
    if (places[i].after) {
      snprintf(with, sizeof with, "%s\"surprise\": 1, ", places[i].after);
    } else {
      snprintf(with, sizeof with, "\"surprise\": 1, %s", places[i].before);
    }
    char *bad = replaced(json, places[i].after ? places[i].after : places[i].before, with);
    ssj_draw_record *unread = SENTINEL;
    EXPECT(ssj_draw_record_from_json(bad, &unread), SSJ_BAD_JSON);
    ERROR_SAYS("record_json: unknown field `surprise`");
    CHECK(unread == SENTINEL);
    EXPECT(ssj_verify_record_json(frozen, bad, &mismatches, NULL), SSJ_BAD_JSON);
    ERROR_SAYS("unknown field `surprise`");
    free(bad);
  }
  /* A forged record whose exclusion counts sum past 2^64 - 1 still gives its counts (the total
   * saturates; it was an overflow, a panic in a debug build), and does not verify. */
  char *forged1 = replaced(json, "\"not_active\": 0", "\"not_active\": 18446744073709551615");
  char *forged = replaced(forged1, "\"recently_inspected\": 0", "\"recently_inspected\": 2");
  ssj_draw_record *forged_record = NULL;
  OK(ssj_draw_record_from_json(forged, &forged_record));
  ssj_draw_counts forged_counts;
  OK(ssj_draw_record_counts(forged_record, &forged_counts));
  CHECK(forged_counts.excluded == UINT64_MAX);
  OK(ssj_draw_record_verify(forged_record, frozen, &mismatches, &list));
  CHECK(mismatches == 2);
  CONTAINS(list, "exclusions.not_active differs: record has 18446744073709551615, recomputed 0");
  ssj_string_free(list);
  ssj_draw_record_free(forged_record);
  free(forged1);
  free(forged);
  EXPECT(ssj_draw_record_from_json(json, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_draw_record_from_json(NULL, &again), SSJ_NULL_POINTER);

  /* Seeds and policies. */
  char *seed = NULL;
  OK(ssj_seed_from_public_entropy("s", "v", "T", &seed));
  CHECK(strlen(seed) == 64);
  ssj_string_free(seed);
  EXPECT(ssj_seed_from_public_entropy("s", "v", "", &seed), SSJ_BAD_ID);
  EXPECT(ssj_seed_from_public_entropy(NULL, "v", "T", &seed), SSJ_NULL_POINTER);
  EXPECT(ssj_seed_from_public_entropy("s", "v", "T", NULL), SSJ_NULL_POINTER);
  OK(ssj_policy_validate(POLICY));
  EXPECT(ssj_policy_validate("{\"ratios\": 3}"), SSJ_BAD_JSON);
  EXPECT(ssj_policy_validate(NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_policy_validate(
             "{\"ratios\": {\"A\": \"10%\", \"B\": \"20%\", \"C\": \"50%\", \"D\": \"100%\", "
             "\"ungraded\": \"10%\"}, \"bounds\": {\"A\": {\"min\": 5, \"max\": 2}}}"),
         SSJ_POLICY);

  ssj_draw_record_free(again);
  ssj_draw_record_free(record);
  ssj_draw_record_free(NULL);
  /* A freed record is refused, used or freed again, without the library reading its memory
   * (valgrind and AddressSanitizer would report the read). */
  CHECK(ssj_draw_record_selected_len(record) == 0);
  ERROR_SAYS("record is not a live ssj_draw_record handle (freed, or never made by this library)");
  EXPECT(ssj_draw_record_counts(record, &counts), SSJ_WRONG_HANDLE);
  ssj_draw_record_free(record);
  ERROR_SAYS("the handle to free is not a live ssj_draw_record handle (freed");
  ssj_string_free(json);
  free(request);
  ssj_frozen_pool_free(changed);
  ssj_frozen_pool_free(frozen);
  ssj_target_pool_free(pool);
}

static const char *INSPECTORS =
    "[{\"id\": \"ZF01\", \"name\": \"甲\", \"department\": \"D01\", \"certificate\": \"鄂01\", "
    "\"region\": \"420281\"},"
    " {\"id\": \"ZF02\", \"name\": \"乙\", \"department\": \"D01\", \"certificate\": \"鄂02\", "
    "\"region\": \"420281\"},"
    " {\"id\": \"ZF03\", \"name\": \"丙\", \"department\": \"D01\", \"certificate\": \"鄂03\", "
    "\"region\": \"420281\"}]";

static ssj_frozen_inspector_pool *inspectors(void) {
  ssj_inspector_pool *pool = NULL;
  OK(ssj_inspector_pool_from_json(INSPECTORS, &pool));
  ssj_frozen_inspector_pool *frozen = NULL;
  OK(ssj_inspector_pool_freeze(pool, &frozen));
  ssj_inspector_pool_free(pool);
  return frozen;
}

static void test_inspectors(void) {
  ssj_inspector_pool *pool = SENTINEL;
  EXPECT(ssj_inspector_pool_from_json("[{\"id\": \"Z\"}]", &pool), SSJ_BAD_JSON);
  ERROR_SAYS("department");
  CHECK(pool == SENTINEL);
  EXPECT(ssj_inspector_pool_from_json(NULL, &pool), SSJ_NULL_POINTER);
  EXPECT(ssj_inspector_pool_from_json("[]", NULL), SSJ_NULL_POINTER);
  OK(ssj_inspector_pool_new(&pool));
  EXPECT(ssj_inspector_pool_new(NULL), SSJ_NULL_POINTER);
  OK(ssj_inspector_pool_add_json(pool, "{\"id\": \"ZF09\", \"department\": \"D02\", "
                                       "\"certificate\": \"鄂09\"}"));
  EXPECT(ssj_inspector_pool_add_json(pool, "{\"id\": \"ZF09\", \"department\": \"D02\", "
                                           "\"certificate\": \"鄂09\"}"),
         SSJ_POOL);
  ERROR_SAYS("inspector \"ZF09\" is already in the pool");
  EXPECT(ssj_inspector_pool_add_json(pool, "nope"), SSJ_BAD_JSON);
  EXPECT(ssj_inspector_pool_add_json(NULL, "{}"), SSJ_NULL_POINTER);
  bool replaced = false;
  OK(ssj_inspector_pool_upsert_json(pool, "{\"id\": \"ZF09\", \"department\": \"D03\", "
                                          "\"certificate\": \"鄂09\"}",
                                    &replaced));
  CHECK(replaced);
  OK(ssj_inspector_pool_upsert_json(pool, "{\"id\": \"ZF10\", \"department\": \"D03\", "
                                          "\"certificate\": \"鄂10\"}",
                                    NULL));
  EXPECT(ssj_inspector_pool_upsert_json(pool, "{", NULL), SSJ_BAD_JSON);
  CHECK(ssj_inspector_pool_len(pool) == 2);
  OK(ssj_inspector_pool_remove(pool, "ZF10"));
  EXPECT(ssj_inspector_pool_remove(pool, "ZF10"), SSJ_POOL);
  EXPECT(ssj_inspector_pool_remove(pool, NULL), SSJ_NULL_POINTER);
  CHECK(ssj_inspector_pool_len(pool) == 1);
  CHECK(ssj_inspector_pool_len(NULL) == 0);
  ssj_frozen_inspector_pool *frozen = NULL;
  EXPECT(ssj_inspector_pool_freeze(pool, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_inspector_pool_freeze((const ssj_inspector_pool *)SENTINEL, &frozen),
         SSJ_WRONG_HANDLE);
  OK(ssj_inspector_pool_freeze(pool, &frozen));
  CHECK(ssj_frozen_inspector_pool_len(frozen) == 1);
  CHECK(ssj_frozen_inspector_pool_len(NULL) == 0);
  char *hex = NULL;
  OK(ssj_frozen_inspector_pool_digest(frozen, &hex));
  CHECK(strlen(hex) == 64);
  EXPECT(ssj_frozen_inspector_pool_digest(frozen, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_frozen_inspector_pool_digest(NULL, &hex), SSJ_NULL_POINTER);
  ssj_string_free(hex);
  ssj_frozen_inspector_pool_free(frozen);
  ssj_frozen_inspector_pool_free(NULL);
  ssj_inspector_pool_free(pool);
  ssj_inspector_pool_free(NULL);
}

/* The digest of a target pool, frozen (free with ssj_string_free). */
static char *pool_digest(const ssj_target_pool *pool) {
  ssj_frozen_pool *frozen = NULL;
  OK(ssj_target_pool_freeze(pool, &frozen));
  char *hex = NULL;
  OK(ssj_frozen_pool_digest(frozen, &hex));
  ssj_frozen_pool_free(frozen);
  return hex;
}

static char *inspector_digest(const ssj_inspector_pool *pool) {
  ssj_frozen_inspector_pool *frozen = NULL;
  OK(ssj_inspector_pool_freeze(pool, &frozen));
  char *hex = NULL;
  OK(ssj_frozen_inspector_pool_digest(frozen, &hex));
  ssj_frozen_inspector_pool_free(frozen);
  return hex;
}

/* A platform's export: columns in its own order and case, a BOM, CRLF, a quoted name with a
 * comma, a column the library does not know. */
static const char *POOL_CSV =
    "\xef\xbb\xbf" "ID,Grade,name,credit_code,kind,tags,risk_score,positive_list,备注\r\n"
    "T1,c,\"大冶市示例餐饮店, 二店\",91350100M000100Y43,individual_business,餐饮服务; 食品经营,10,否,x\r\n"
    "T2,,,,,,,是,\r\n"
    "T3,A,丙,,,,,0,\r\n";
static const char *HISTORY_CSV =
    "target_id,date,department,item,inspectors\n"
    "T1,2026-03-01,D01,SC-001,ZF02;ZF01\n"
    "T3,2025-12-01,D02,,\n";
/* The same rows as JSON. */
static const char *POOL_JSON =
    "[{\"id\": \"T3\", \"grade\": \"A\", \"name\": \"丙\","
    "  \"history\": [{\"date\": \"2025-12-01\", \"department\": \"D02\"}]},"
    " {\"id\": \"T1\", \"grade\": \"C\", \"name\": \"大冶市示例餐饮店, 二店\","
    "  \"credit_code\": \"91350100M000100Y43\", \"kind\": \"individual_business\","
    "  \"tags\": [\"餐饮服务\", \"食品经营\"], \"risk_score\": 10,"
    "  \"history\": [{\"date\": \"2026-03-01\", \"department\": \"D01\", \"item\": \"SC-001\","
    "                \"inspectors\": [\"ZF01\", \"ZF02\"]}]},"
    " {\"id\": \"T2\", \"positive_list\": true}]";

static void test_pool_csv(void) {
  /* A good pool with history: the same digest as the same rows as JSON. */
  ssj_target_pool *csv_pool = SENTINEL, *json_pool = NULL;
  OK(ssj_target_pool_from_csv(POOL_CSV, HISTORY_CSV, &csv_pool));
  CHECK(ssj_target_pool_len(csv_pool) == 3);
  OK(ssj_target_pool_from_json(POOL_JSON, &json_pool));
  char *csv_hex = pool_digest(csv_pool), *json_hex = pool_digest(json_pool);
  CHECK(strcmp(csv_hex, json_hex) == 0);

  /* NULL history: no history, so another pool. */
  ssj_target_pool *no_history = NULL;
  OK(ssj_target_pool_from_csv(POOL_CSV, NULL, &no_history));
  CHECK(ssj_target_pool_len(no_history) == 3);
  char *no_history_hex = pool_digest(no_history);
  CHECK(strcmp(no_history_hex, csv_hex) != 0);

  /* to_csv -> from_csv keeps the digest, with and without the history. */
  char *pool_text = NULL, *history_text = NULL;
  OK(ssj_target_pool_to_csv(csv_pool, &pool_text, &history_text));
  CONTAINS(pool_text, "id,credit_code,name,kind,region,industry,grid,status,grade,");
  CONTAINS(pool_text, "\"大冶市示例餐饮店, 二店\"");
  CONTAINS(history_text, "T1,2026-03-01,D01,SC-001,ZF01;ZF02");
  ssj_target_pool *again = NULL;
  OK(ssj_target_pool_from_csv(pool_text, history_text, &again));
  char *again_hex = pool_digest(again);
  CHECK(strcmp(again_hex, csv_hex) == 0);
  char *only_pool = NULL;
  OK(ssj_target_pool_to_csv(no_history, &only_pool, NULL));
  ssj_target_pool *again2 = NULL;
  OK(ssj_target_pool_from_csv(only_pool, NULL, &again2));
  char *again2_hex = pool_digest(again2);
  CHECK(strcmp(again2_hex, no_history_hex) == 0);
  EXPECT(ssj_target_pool_to_csv(csv_pool, NULL, &history_text), SSJ_NULL_POINTER);
  EXPECT(ssj_target_pool_to_csv(NULL, &pool_text, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_target_pool_to_csv((const ssj_target_pool *)SENTINEL, &pool_text, NULL),
         SSJ_WRONG_HANDLE);

  /* A bad row: the code, and the last error names the text, the line and the field. */
  ssj_target_pool *bad = SENTINEL;
  EXPECT(ssj_target_pool_from_csv("id,grade\r\nT1,A\r\nT2,E\r\n", NULL, &bad), SSJ_POOL_CSV);
  ERROR_SAYS("pool_csv:3: field `grade`: \"E\" is not a credit-risk grade");
  CHECK(bad == SENTINEL); /* out-parameters are written only on success */
  EXPECT(ssj_target_pool_from_csv("id,grade,credit_code\nT1,A,91350100M000100Y44\n", NULL, &bad),
         SSJ_POOL_CSV);
  ERROR_SAYS("pool_csv:2: field `credit_code`");
  EXPECT(ssj_target_pool_from_csv("id,grade\nT1,A,extra\n", NULL, &bad), SSJ_POOL_CSV);
  ERROR_SAYS("pool_csv:2: 3 fields, but the header has 2 columns");
  EXPECT(ssj_target_pool_from_csv("id,name\nT1,x\n", NULL, &bad), SSJ_POOL_CSV);
  ERROR_SAYS("pool_csv:1: missing required column `grade`");
  EXPECT(ssj_target_pool_from_csv("", NULL, &bad), SSJ_POOL_CSV);
  ERROR_SAYS("pool_csv: empty file");
  /* A duplicate id, at its own line, naming the first (a quoted value spans two lines). */
  EXPECT(ssj_target_pool_from_csv("id,grade,name\nT1,A,\"two\nlines\"\nT2,B,x\nT1,C,y\n", NULL,
                                  &bad),
         SSJ_POOL_CSV);
  ERROR_SAYS("pool_csv:5: field `id`: duplicate id \"T1\": first on line 2, again on line 5");
  /* Bad history rows name the history text. */
  EXPECT(ssj_target_pool_from_csv(POOL_CSV, "target_id,date,department\nT9,2026-01-01,D01\n",
                                  &bad),
         SSJ_POOL_CSV);
  ERROR_SAYS("history_csv:2: field `target_id`: no target \"T9\"");
  EXPECT(ssj_target_pool_from_csv(POOL_CSV, "target_id,date,department\nT1,2026/01/01,D01\n",
                                  &bad),
         SSJ_POOL_CSV);
  ERROR_SAYS("history_csv:2: field `date`");
  CHECK(bad == SENTINEL);
  EXPECT(ssj_target_pool_from_csv(NULL, NULL, &bad), SSJ_NULL_POINTER);
  ERROR_SAYS("pool_csv is NULL");
  EXPECT(ssj_target_pool_from_csv(POOL_CSV, NULL, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_target_pool_from_csv("id,grade\nT1,\xc3\n", NULL, &bad), SSJ_INVALID_UTF8);
  EXPECT(ssj_target_pool_from_csv(POOL_CSV, "\xc3", &bad), SSJ_INVALID_UTF8);
  ERROR_SAYS("history_csv is not valid UTF-8");
  CHECK(strcmp(ssj_result_message(SSJ_POOL_CSV), "unknown result code") != 0);

  /* Straight into a frozen pool: the same digest, the same errors. */
  ssj_frozen_pool *direct = SENTINEL;
  OK(ssj_frozen_pool_from_csv(POOL_CSV, HISTORY_CSV, &direct));
  CHECK(ssj_frozen_pool_len(direct) == 3);
  char *direct_hex = NULL;
  OK(ssj_frozen_pool_digest(direct, &direct_hex));
  CHECK(strcmp(direct_hex, csv_hex) == 0);
  ssj_string_free(direct_hex);
  ssj_frozen_pool_free(direct);
  OK(ssj_frozen_pool_from_csv(POOL_CSV, NULL, &direct));
  OK(ssj_frozen_pool_digest(direct, &direct_hex));
  CHECK(strcmp(direct_hex, no_history_hex) == 0);
  ssj_string_free(direct_hex);
  ssj_frozen_pool_free(direct);
  ssj_frozen_pool *bad_frozen = SENTINEL;
  EXPECT(ssj_frozen_pool_from_csv("id,grade,name\nT1,A,\"two\nlines\"\nT2,B,x\nT1,C,y\n", NULL,
                                  &bad_frozen),
         SSJ_POOL_CSV);
  ERROR_SAYS("pool_csv:5: field `id`: duplicate id \"T1\": first on line 2, again on line 5");
  EXPECT(ssj_frozen_pool_from_csv(POOL_CSV, "target_id,date,department\nT9,2026-01-01,D01\n",
                                  &bad_frozen),
         SSJ_POOL_CSV);
  ERROR_SAYS("history_csv:2: field `target_id`: no target \"T9\"");
  EXPECT(ssj_frozen_pool_from_csv("id,grade\r\nT1,A\r\nT2,E\r\n", NULL, &bad_frozen),
         SSJ_POOL_CSV);
  ERROR_SAYS("pool_csv:3: field `grade`: \"E\" is not a credit-risk grade");
  EXPECT(ssj_frozen_pool_from_csv(NULL, NULL, &bad_frozen), SSJ_NULL_POINTER);
  EXPECT(ssj_frozen_pool_from_csv(POOL_CSV, NULL, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_frozen_pool_from_csv("id,grade\nT1,\xc3\n", NULL, &bad_frozen), SSJ_INVALID_UTF8);
  CHECK(bad_frozen == SENTINEL);

  /* An inspector id holding `;` cannot be written in the history's `inspectors` cell (it would
   * read back as two ids); the pool text alone can. */
  ssj_target_pool *semicolon = NULL;
  OK(ssj_target_pool_from_json("[{\"id\": \"S1\", \"history\": [{\"date\": \"2026-01-01\", "
                               "\"department\": \"D01\", \"inspectors\": [\"a;b\"]}]}]",
                               &semicolon));
  char *unwritten = SENTINEL, *unwritten_history = SENTINEL;
  EXPECT(ssj_target_pool_to_csv(semicolon, &unwritten, &unwritten_history), SSJ_POOL_CSV);
  ERROR_SAYS("history_csv: field `inspectors`: \"a;b\" contains `;`");
  CHECK(unwritten == SENTINEL && unwritten_history == SENTINEL);
  OK(ssj_target_pool_to_csv(semicolon, &unwritten, NULL));
  CONTAINS(unwritten, "S1,");
  ssj_string_free(unwritten);

  /* Inspectors: CSV and JSON give the same pool; to_csv -> from_csv keeps the digest. */
  ssj_inspector_pool *ins_csv = SENTINEL, *ins_json = NULL;
  OK(ssj_inspector_pool_from_csv(
      "id,name,department,certificate,region,expert,active,items\r\n"
      "ZF01,甲,D01,鄂01,420281,否,,\r\n"
      "ZF02,乙,D01,鄂02,420281,0,1,\r\n"
      "ZF03,丙,D01,鄂03,420281,false,true,\r\n",
      &ins_csv));
  CHECK(ssj_inspector_pool_len(ins_csv) == 3);
  OK(ssj_inspector_pool_from_json(INSPECTORS, &ins_json));
  char *ins_csv_hex = inspector_digest(ins_csv), *ins_json_hex = inspector_digest(ins_json);
  CHECK(strcmp(ins_csv_hex, ins_json_hex) == 0);
  char *ins_text = NULL;
  OK(ssj_inspector_pool_to_csv(ins_json, &ins_text));
  CONTAINS(ins_text, "id,name,department,unit,certificate,certificate_expiry,");
  ssj_inspector_pool *ins_again = NULL;
  OK(ssj_inspector_pool_from_csv(ins_text, &ins_again));
  char *ins_again_hex = inspector_digest(ins_again);
  CHECK(strcmp(ins_again_hex, ins_json_hex) == 0);
  ssj_inspector_pool *ins_bad = SENTINEL;
  EXPECT(ssj_inspector_pool_from_csv("id,department,certificate\nP1,D1,1\nP2,D1,\n", &ins_bad),
         SSJ_POOL_CSV);
  ERROR_SAYS("inspectors_csv:3: field `certificate`");
  EXPECT(ssj_inspector_pool_from_csv("id,department\nP1,D1\nP1,D2\n", &ins_bad), SSJ_POOL_CSV);
  ERROR_SAYS("inspectors_csv:3: field `id`: duplicate id \"P1\": first on line 2");
  EXPECT(ssj_inspector_pool_from_csv("id,department,expert\nP1,D1,maybe\n", &ins_bad),
         SSJ_POOL_CSV);
  ERROR_SAYS("inspectors_csv:2: field `expert`");
  CHECK(ins_bad == SENTINEL);
  EXPECT(ssj_inspector_pool_from_csv(NULL, &ins_bad), SSJ_NULL_POINTER);
  EXPECT(ssj_inspector_pool_from_csv("id,department\n", NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_inspector_pool_to_csv(ins_json, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_inspector_pool_to_csv(NULL, &ins_text), SSJ_NULL_POINTER);

  ssj_string_free(ins_text);
  ssj_string_free(ins_csv_hex);
  ssj_string_free(ins_json_hex);
  ssj_string_free(ins_again_hex);
  ssj_inspector_pool_free(ins_csv);
  ssj_inspector_pool_free(ins_json);
  ssj_inspector_pool_free(ins_again);
  ssj_target_pool_free(semicolon);
  ssj_string_free(pool_text);
  ssj_string_free(history_text);
  ssj_string_free(only_pool);
  ssj_string_free(csv_hex);
  ssj_string_free(json_hex);
  ssj_string_free(no_history_hex);
  ssj_string_free(again_hex);
  ssj_string_free(again2_hex);
  ssj_target_pool_free(csv_pool);
  ssj_target_pool_free(json_pool);
  ssj_target_pool_free(no_history);
  ssj_target_pool_free(again);
  ssj_target_pool_free(again2);
}

/* A match request for task T-TEAMS: visits to V1-V3 by department `dept`. */
static void match_request(char *buf, size_t n, const char *seed, const char *policy,
                          const char *dept) {
  snprintf(buf, n,
           "{\"task_id\": \"T-TEAMS\", \"seed\": \"%s\", \"seed_origin\": {\"method\": "
           "\"public_entropy\", \"source\": \"s\", \"value\": \"v\"}, \"policy\": %s, "
           "\"visits\": ["
           "{\"id\": \"v1\", \"target\": \"V1\", \"date\": \"2026-04-07\", \"needs\": "
           "[{\"department\": \"%s\", \"items\": []}]},"
           "{\"id\": \"v2\", \"target\": \"V2\", \"date\": \"2026-04-08\", \"needs\": "
           "[{\"department\": \"%s\", \"items\": []}]},"
           "{\"id\": \"v3\", \"target\": \"V3\", \"date\": \"2026-04-09\", \"needs\": "
           "[{\"department\": \"%s\", \"items\": []}]}], \"targets\": {\"V1\": {}, "
           "\"V2\": {}, \"V3\": {}}}",
           seed, policy, dept, dept, dept);
}

/* Draws every target of a three-target pool for task T-TEAMS, logs the draw, matches teams
 * for the three visits, verifies them and logs them. */
static void test_log_and_teams(void) {
  ssj_target_pool *pool = NULL;
  OK(ssj_target_pool_from_json("[{\"id\": \"V1\", \"grade\": \"A\"}, {\"id\": \"V2\", \"grade\": "
                               "\"B\"}, {\"id\": \"V3\"}]",
                               &pool));
  ssj_frozen_pool *frozen = NULL;
  OK(ssj_target_pool_freeze(pool, &frozen));
  const char *all =
      "{\"ratios\": {\"A\": \"100%\", \"B\": \"100%\", \"C\": \"100%\", \"D\": \"100%\", "
      "\"ungraded\": \"100%\"}}";
  char *request = request_for("T-TEAMS", all);
  ssj_draw_record *record = NULL;
  OK(ssj_draw(frozen, request, &record));
  CHECK(ssj_draw_record_selected_len(record) == 3);

  ssj_draw_log *log = SENTINEL;
  EXPECT(ssj_draw_log_new(NULL), SSJ_NULL_POINTER);
  OK(ssj_draw_log_new(&log));
  uint64_t seq = 99;
  /* A draw needs its task's announcement (pool, plans, entropy source) first. */
  EXPECT(ssj_draw_log_append(log, record, &seq), SSJ_LOG);
  ERROR_SAYS("was not announced");
  CHECK(seq == 99);
  EXPECT(ssj_draw_log_announce(log, "{\"task_id\": \"T-TEAMS\"}", &seq), SSJ_BAD_JSON);
  EXPECT(ssj_draw_log_announce_public_entropy(log, frozen, "T-TEAMS", NULL, 1, "s", NULL),
         SSJ_NULL_POINTER);
  EXPECT(ssj_draw_log_announce_public_entropy(log, NULL, "T-TEAMS", NULL, 0, "s", NULL),
         SSJ_NULL_POINTER);
  OK(ssj_draw_log_announce_public_entropy(log, frozen, "T-TEAMS", NULL, 0, "双色球 2026130期",
                                          &seq));
  CHECK(seq == 0);
  /* A look-alike of the task (full-width T) is the same task, refused. */
  EXPECT(ssj_draw_log_announce_public_entropy(log, frozen, "\xef\xbc\xb4-TEAMS", NULL, 0, "s2",
                                              NULL),
         SSJ_LOG);
  ERROR_SAYS("looks like task");
  OK(ssj_draw_log_append(log, record, &seq));
  CHECK(seq == 1);
  EXPECT(ssj_draw_log_append(log, record, &seq), SSJ_LOG); /* a second plain draw */
  CHECK(seq == 1);
  EXPECT(ssj_draw_log_append(log, NULL, &seq), SSJ_NULL_POINTER);
  EXPECT(ssj_draw_log_append(NULL, record, NULL), SSJ_NULL_POINTER);
  /* A re-draw needs a newly announced source; the same record is refused. */
  EXPECT(ssj_draw_log_append_redraw(log, record, 1, "第一次抽取时名录库未更新", &seq), SSJ_LOG);
  ERROR_SAYS("new announcement");
  EXPECT(ssj_draw_log_append_redraw(log, record, 7, "x", NULL), SSJ_LOG);
  EXPECT(ssj_draw_log_append_redraw(log, record, 1, NULL, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_draw_log_append_redraw(NULL, record, 1, "x", NULL), SSJ_NULL_POINTER);
  CHECK(ssj_draw_log_len(log) == 2);
  CHECK(ssj_draw_log_len(NULL) == 0);

  /* Teams for the three drawn targets. */
  ssj_frozen_inspector_pool *people = inspectors();
  char *seed = NULL;
  OK(ssj_seed_from_public_entropy("s", "v", "T-TEAMS", &seed));
  char match[2048], d99[2048], small[2048];
  match_request(match, sizeof match, seed, "{\"same_region_recusal\": false}", "D01");
  match_request(d99, sizeof d99, seed, "{\"same_region_recusal\": false}", "D99");
  match_request(small, sizeof small, seed, "{\"min_team\": 1}", "D01");
  ssj_string_free(seed);
  char *teams = NULL;
  OK(ssj_match_teams(people, match, &teams));
  CONTAINS(teams, "shuangsuiji/team-record");
  EXPECT(ssj_match_teams(people, "{}", &teams), SSJ_BAD_JSON);
  EXPECT(ssj_match_teams(NULL, match, &teams), SSJ_NULL_POINTER);
  EXPECT(ssj_match_teams(people, match, NULL), SSJ_NULL_POINTER);
  /* A department without inspectors: the error names the visit and the department. */
  EXPECT(ssj_match_teams(people, d99, &teams), SSJ_TEAMS);
  ERROR_SAYS("visit v1");
  ERROR_SAYS("D99");
  /* A policy below the rules (teams of at least two) is refused as such. */
  EXPECT(ssj_match_teams(people, small, &teams), SSJ_TEAMS);
  ERROR_SAYS("min_team is 1");

  size_t mismatches = 9;
  char *list = NULL;
  OK(ssj_verify_teams(people, teams, &mismatches, &list));
  CHECK(mismatches == 0 && strcmp(list, "[]") == 0);
  ssj_string_free(list);
  EXPECT(ssj_verify_teams(people, "[]", &mismatches, &list), SSJ_BAD_JSON);
  EXPECT(ssj_verify_teams(people, teams, NULL, &list), SSJ_NULL_POINTER);
  EXPECT(ssj_verify_teams(NULL, teams, &mismatches, &list), SSJ_NULL_POINTER);
  ssj_inspector_pool *fewer = NULL;
  OK(ssj_inspector_pool_from_json(INSPECTORS, &fewer));
  OK(ssj_inspector_pool_remove(fewer, "ZF03"));
  ssj_frozen_inspector_pool *fewer_frozen = NULL;
  OK(ssj_inspector_pool_freeze(fewer, &fewer_frozen));
  OK(ssj_verify_teams(fewer_frozen, teams, &mismatches, NULL));
  CHECK(mismatches > 0);

  OK(ssj_draw_log_append_teams(log, teams, &seq));
  CHECK(seq == 2);
  EXPECT(ssj_draw_log_append_teams(log, "{", NULL), SSJ_BAD_JSON);
  EXPECT(ssj_draw_log_append_teams(NULL, teams, NULL), SSJ_NULL_POINTER);
  OK(ssj_draw_log_append_rematch(log, teams, 2, "检查人员病假", &seq));
  CHECK(seq == 3);
  EXPECT(ssj_draw_log_append_rematch(log, teams, 0, "x", NULL), SSJ_LOG);
  EXPECT(ssj_draw_log_append_rematch(log, teams, 3, NULL, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_draw_log_append_rematch(log, "{", 3, "x", NULL), SSJ_BAD_JSON);
  /* Teams of a task the log has no draw for are refused. */
  ssj_draw_log *empty = NULL;
  OK(ssj_draw_log_new(&empty));
  EXPECT(ssj_draw_log_append_teams(empty, teams, NULL), SSJ_LOG);
  ERROR_SAYS("T-TEAMS");
  char *zero = NULL;
  OK(ssj_draw_log_head(empty, &zero));
  CHECK(strspn(zero, "0") == 64);
  ssj_string_free(zero);

  OK(ssj_draw_log_verify_chain(log));
  EXPECT(ssj_draw_log_verify_chain(NULL), SSJ_NULL_POINTER);
  char *head = NULL, *jsonl = NULL;
  OK(ssj_draw_log_head(log, &head));
  CHECK(strlen(head) == 64);
  EXPECT(ssj_draw_log_head(log, NULL), SSJ_NULL_POINTER);
  OK(ssj_draw_log_to_jsonl(log, &jsonl));
  EXPECT(ssj_draw_log_to_jsonl(log, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_draw_log_to_jsonl(NULL, &jsonl), SSJ_NULL_POINTER);
  ssj_draw_log *read = NULL;
  OK(ssj_draw_log_from_jsonl(jsonl, &read));
  CHECK(ssj_draw_log_len(read) == 4);
  OK(ssj_draw_log_verify_chain(read));
  char *head2 = NULL;
  OK(ssj_draw_log_head(read, &head2));
  CHECK(strcmp(head, head2) == 0);
  /* The published head (SEQ:DIGEST) is held by the log, and not by a log cut back. */
  char *published = SENTINEL;
  EXPECT(ssj_draw_log_published_head(empty, &published), SSJ_LOG);
  CHECK(published == SENTINEL);
  OK(ssj_draw_log_published_head(read, &published));
  CHECK(strncmp(published, "3:", 2) == 0 && strcmp(published + 2, head) == 0);
  OK(ssj_draw_log_verify_head(read, published));
  OK(ssj_draw_log_verify_head(read, head)); /* a bare digest */
  EXPECT(ssj_draw_log_verify_head(empty, published), SSJ_LOG);
  ERROR_SAYS("the log is empty");
  EXPECT(ssj_draw_log_verify_head(read, "3:xyz"), SSJ_BAD_HEX);
  EXPECT(ssj_draw_log_verify_head(read, NULL), SSJ_NULL_POINTER);
  {
    char *cut = strdup(jsonl);
    char *nl = cut;
    for (int k = 0; k < 3; k++) nl = strchr(nl, '\n') + 1;
    *nl = '\0'; /* the first three entries */
    ssj_draw_log *shorter = NULL;
    OK(ssj_draw_log_from_jsonl(cut, &shorter));
    OK(ssj_draw_log_verify_chain(shorter));
    EXPECT(ssj_draw_log_verify_head(shorter, published), SSJ_LOG);
    ERROR_SAYS("cut off");
    ssj_draw_log_free(shorter);
    free(cut);
  }
  ssj_string_free(published);
  /* A changed reason breaks the chain. */
  char *edited = strstr(jsonl, "检查人员病假");
  CHECK(edited != NULL);
  memcpy(edited, "检查人员事假", strlen("检查人员事假"));
  ssj_draw_log *tampered = SENTINEL;
  ssj_result r = ssj_draw_log_from_jsonl(jsonl, &tampered);
  if (r == SSJ_OK) {
    EXPECT(ssj_draw_log_verify_chain(tampered), SSJ_LOG);
    ssj_draw_log_free(tampered);
  } else {
    CHECK(r == SSJ_LOG && tampered == SENTINEL);
  }
  EXPECT(ssj_draw_log_from_jsonl("not json\n", &read), SSJ_LOG);
  EXPECT(ssj_draw_log_from_jsonl(NULL, &read), SSJ_NULL_POINTER);
  EXPECT(ssj_draw_log_from_jsonl("", NULL), SSJ_NULL_POINTER);

  ssj_string_free(head);
  ssj_string_free(head2);
  ssj_string_free(jsonl);
  ssj_string_free(teams);
  ssj_draw_log_free(read);
  ssj_draw_log_free(empty);
  ssj_draw_log_free(log);
  ssj_draw_log_free(NULL);
  ssj_frozen_inspector_pool_free(fewer_frozen);
  ssj_inspector_pool_free(fewer);
  ssj_frozen_inspector_pool_free(people);
  ssj_draw_record_free(record);
  free(request);
  ssj_frozen_pool_free(frozen);
  ssj_target_pool_free(pool);
}

static const char *ITEMS =
    "{\"name\": \"事项清单\", \"version\": \"2026版\", \"items\": ["
    "{\"id\": \"I1\", \"name\": \"检查一\", \"department\": \"D01\", \"legal_basis\": \"\", "
    "\"content\": \"\", \"target_kinds\": [\"enterprise\"], \"category\": \"key\", \"method\": "
    "\"on_site\", \"default_ratio_ppm\": null, \"frequency_per_year\": null, "
    "\"inspector_requirements\": \"\"},"
    "{\"id\": \"I2\", \"name\": \"检查二\", \"department\": \"D01\", \"legal_basis\": \"\", "
    "\"content\": \"\", \"target_kinds\": [\"enterprise\"], \"category\": \"key\", \"method\": "
    "\"on_site\", \"default_ratio_ppm\": null, \"frequency_per_year\": null, "
    "\"inspector_requirements\": \"\"}]}";
static const char *JOINT = "{\"name\": \"联合清单\", \"version\": \"2026版\", \"domains\": []}";

static char *annual_plan(const char *item2, int total2) {
  char *json = malloc(2048);
  snprintf(json, 2048,
           "{\"year\": 2026, \"plans\": ["
           "{\"id\": \"P1\", \"name\": \"计划一\", \"year\": 2026, \"kind\": {\"type\": "
           "\"single\", \"department\": \"D01\"}, \"items\": [\"I1\"], \"scope\": {}, \"size\": "
           "{\"count\": {\"total\": 8}}, \"window\": {\"first\": \"2026-04-01\", \"last\": "
           "\"2026-05-31\"}, \"frequency_per_year\": 1},"
           "{\"id\": \"P2\", \"name\": \"计划二\", \"year\": 2026, \"kind\": {\"type\": "
           "\"single\", \"department\": \"D01\"}, \"items\": [\"%s\"], \"scope\": {}, \"size\": "
           "{\"count\": {\"total\": %d}}, \"window\": {\"first\": \"2026-04-01\", \"last\": "
           "\"2026-05-31\"}, \"frequency_per_year\": 1}]}",
           item2, total2);
  return json;
}

static void test_plans_and_merging(void) {
  ssj_target_pool *pool = column_pool(60);
  ssj_frozen_pool *frozen = NULL;
  OK(ssj_target_pool_freeze(pool, &frozen));
  char *plan = annual_plan("I2", 12);
  char *unknown_item = annual_plan("I7", 12);
  char *too_many = annual_plan("I2", 500);

  OK(ssj_plan_validate(plan, ITEMS, JOINT));
  EXPECT(ssj_plan_validate(unknown_item, ITEMS, JOINT), SSJ_PLAN);
  ERROR_SAYS("I7");
  EXPECT(ssj_plan_validate(plan, "{}", JOINT), SSJ_BAD_JSON);
  ERROR_SAYS("items_json");
  EXPECT(ssj_plan_validate(plan, ITEMS, NULL), SSJ_NULL_POINTER);
  OK(ssj_plan_check_pool(plan, frozen));
  EXPECT(ssj_plan_check_pool(too_many, frozen), SSJ_PLAN);
  ERROR_SAYS("P2");
  EXPECT(ssj_plan_check_pool(plan, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_plan_check_pool("[]", frozen), SSJ_BAD_JSON);

  char *proposal = NULL;
  OK(ssj_propose(plan, JOINT, frozen, NULL, &proposal));
  CONTAINS(proposal, "\"tasks\"");
  ssj_string_free(proposal);
  OK(ssj_propose(plan, JOINT, frozen, "{\"gap_days\": 15}", &proposal));
  EXPECT(ssj_propose(plan, JOINT, frozen, "{\"gap\": 15}", &proposal), SSJ_BAD_JSON);
  EXPECT(ssj_propose(plan, JOINT, frozen, NULL, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_propose(plan, NULL, frozen, NULL, &proposal), SSJ_NULL_POINTER);
  EXPECT(ssj_propose(plan, JOINT, NULL, NULL, &proposal), SSJ_NULL_POINTER);

  const char *origin =
      "{\"method\": \"public_entropy\", \"source\": \"双色球 2026050期\", \"value\": \"01 05 11\"}";
  char *drawn = NULL;
  OK(ssj_draw_task(frozen, plan, proposal, 0, origin, NULL, &drawn));
  CONTAINS(drawn, "\"records\"");
  CONTAINS(drawn, "\"without_merging\":20");
  ssj_string_free(drawn);
  EXPECT(ssj_draw_task(frozen, plan, proposal, 5, origin, NULL, &drawn), SSJ_INDEX_OUT_OF_RANGE);
  ERROR_SAYS("task_index 5");
  EXPECT(ssj_draw_task(frozen, plan, proposal, 0, "{\"method\": \"given\"}", NULL, &drawn),
         SSJ_NULL_POINTER);
  ERROR_SAYS("seed_hex");
  OK(ssj_draw_task(frozen, plan, proposal, 0, "{\"method\": \"given\"}",
                   "0000000000000000000000000000000000000000000000000000000000000001", &drawn));
  ssj_string_free(drawn);
  EXPECT(ssj_draw_task(frozen, plan, proposal, 0, "{\"method\": \"given\"}", "12", &drawn),
         SSJ_BAD_HEX);
  EXPECT(ssj_draw_task(frozen, plan, "{}", 0, origin, NULL, &drawn), SSJ_BAD_JSON);
  EXPECT(ssj_draw_task(frozen, plan, proposal, 0, origin, NULL, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_draw_task(NULL, plan, proposal, 0, origin, NULL, &drawn), SSJ_NULL_POINTER);
  /* A task drawn against a plan that does not hold its members. */
  EXPECT(ssj_draw_task(frozen, "{\"year\": 2026, \"plans\": []}", proposal, 0, origin, NULL,
                       &drawn),
         SSJ_JOINT);

  ssj_string_free(proposal);
  free(plan);
  free(unknown_item);
  free(too_many);
  ssj_frozen_pool_free(frozen);
  ssj_target_pool_free(pool);
}

static void test_lifecycle(void) {
  char *task = NULL, *next = NULL;
  OK(ssj_task_new("2026-SCJG-001", "2026-03-01", &task));
  CONTAINS(task, "\"created\"");
  EXPECT(ssj_task_new("2026-SCJG-001", "2026-3-1", &next), SSJ_BAD_DATE);
  EXPECT(ssj_task_new("2026-SCJG-001", "2026-02-30", &next), SSJ_BAD_DATE);
  EXPECT(ssj_task_new("", "2026-03-01", &next), SSJ_BAD_ID);
  EXPECT(ssj_task_new("T", "2026-03-01", NULL), SSJ_NULL_POINTER);
  OK(ssj_task_transition(task, "targets_drawn", "2026-03-02", &next));
  CONTAINS(next, "targets_drawn");
  EXPECT(ssj_task_transition(next, "published", "2026-03-03", &task), SSJ_LIFECYCLE);
  EXPECT(ssj_task_transition(next, "sleeping", "2026-03-03", &task), SSJ_BAD_NAME);
  EXPECT(ssj_task_transition(next, "inspectors_matched", "2026-03-01", &task), SSJ_LIFECYCLE);
  EXPECT(ssj_task_transition("{}", "in_progress", "2026-03-03", &task), SSJ_BAD_JSON);
  EXPECT(ssj_task_transition(next, "in_progress", NULL, &task), SSJ_NULL_POINTER);
  EXPECT(ssj_task_transition(next, "in_progress", "2026-03-03", NULL), SSJ_NULL_POINTER);
  ssj_string_free(task);
  ssj_string_free(next);

  char *check = NULL, *moved = NULL;
  OK(ssj_target_check_new("2026-SCJG-001", "E0001", "2026-03-02", &check));
  CONTAINS(check, "\"drawn\"");
  EXPECT(ssj_target_check_new("T", "", "2026-03-02", &moved), SSJ_BAD_ID);
  EXPECT(ssj_target_check_new("T", "E", "soon", &moved), SSJ_BAD_DATE);
  EXPECT(ssj_target_check_new("T", "E", "2026-03-02", NULL), SSJ_NULL_POINTER);
  OK(ssj_target_check_transition(check, "inspected", "2026-04-01", &moved));
  CONTAINS(moved, "inspected");
  EXPECT(ssj_target_check_transition(check, "published", "2026-04-01", &moved), SSJ_LIFECYCLE);
  EXPECT(ssj_target_check_transition(check, "lost", "2026-04-01", &moved), SSJ_BAD_NAME);
  EXPECT(ssj_target_check_transition("[]", "inspected", "2026-04-01", &moved), SSJ_BAD_JSON);
  EXPECT(ssj_target_check_transition(check, "inspected", "2026-04-01", NULL), SSJ_NULL_POINTER);
  ssj_string_free(check);
  ssj_string_free(moved);
}

static void test_calendar(void) {
  ssj_calendar *cal = SENTINEL;
  EXPECT(ssj_calendar_china(NULL), SSJ_NULL_POINTER);
  OK(ssj_calendar_china(&cal));
  int32_t first = 0, last = 0;
  OK(ssj_calendar_years(cal, &first, &last));
  CHECK(first == 2020 && last == 2026);
  EXPECT(ssj_calendar_years(cal, NULL, &last), SSJ_NULL_POINTER);
  EXPECT(ssj_calendar_years(cal, &first, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_calendar_years(NULL, &first, &last), SSJ_NULL_POINTER);
  bool working = true;
  OK(ssj_calendar_is_working_day(cal, "2026-10-01", &working));
  CHECK(!working);
  OK(ssj_calendar_is_working_day(cal, "2026-10-10", &working)); /* make-up workday */
  CHECK(working);
  EXPECT(ssj_calendar_is_working_day(cal, "2019-01-02", &working), SSJ_CALENDAR);
  ERROR_SAYS("2019");
  EXPECT(ssj_calendar_is_working_day(cal, "2026/10/01", &working), SSJ_BAD_DATE);
  EXPECT(ssj_calendar_is_working_day(cal, NULL, &working), SSJ_NULL_POINTER);
  EXPECT(ssj_calendar_is_working_day(cal, "2026-10-01", NULL), SSJ_NULL_POINTER);
  char *day = NULL;
  OK(ssj_calendar_add_working_days(cal, "2026-09-30", 1, &day));
  CHECK(strcmp(day, "2026-10-08") == 0);
  ssj_string_free(day);
  EXPECT(ssj_calendar_add_working_days(cal, "2026-12-30", 30, &day), SSJ_CALENDAR);
  EXPECT(ssj_calendar_add_working_days(cal, "x", 1, &day), SSJ_BAD_DATE);
  EXPECT(ssj_calendar_add_working_days(cal, "2026-09-30", 1, NULL), SSJ_NULL_POINTER);
  OK(ssj_calendar_publication_deadline(cal, "2026-09-25", &day));
  CHECK(strcmp(day, "2026-10-29") == 0);
  ssj_string_free(day);
  EXPECT(ssj_calendar_publication_deadline(cal, "2026-12-20", &day), SSJ_CALENDAR);
  EXPECT(ssj_calendar_publication_deadline(cal, "2026-09-25", NULL), SSJ_NULL_POINTER);
  bool on_time = true;
  OK(ssj_calendar_published_on_time(cal, "2026-09-25", "2026-10-30", &on_time));
  CHECK(!on_time);
  OK(ssj_calendar_published_on_time(cal, "2026-09-25", "2026-10-29", &on_time));
  CHECK(on_time);
  EXPECT(ssj_calendar_published_on_time(cal, "2026-09-25", "2026-09-24", &on_time),
         SSJ_CALENDAR);
  EXPECT(ssj_calendar_published_on_time(cal, "2026-09-25", NULL, &on_time), SSJ_NULL_POINTER);
  EXPECT(ssj_calendar_published_on_time(cal, "2026-09-25", "2026-10-29", NULL),
         SSJ_NULL_POINTER);

  const char *y2027 =
      "[{\"year\": 2027, \"source\": \"测试\", \"holidays\": [{\"name\": \"元旦\", \"first\": "
      "\"2027-01-01\", \"last\": \"2027-01-01\"}], \"makeup_workdays\": []}]";
  ssj_calendar *more = NULL;
  OK(ssj_calendar_china_with_years(y2027, &more));
  OK(ssj_calendar_years(more, &first, &last));
  CHECK(first == 2020 && last == 2027);
  OK(ssj_calendar_is_working_day(more, "2027-01-01", &working));
  CHECK(!working);
  const char *y2029 = "[{\"year\": 2029, \"holidays\": [], \"makeup_workdays\": []}]";
  ssj_calendar *gap = SENTINEL;
  EXPECT(ssj_calendar_china_with_years(y2029, &gap), SSJ_CALENDAR);
  CHECK(gap == SENTINEL);
  EXPECT(ssj_calendar_china_with_years("{}", &gap), SSJ_BAD_JSON);
  EXPECT(ssj_calendar_china_with_years(NULL, &gap), SSJ_NULL_POINTER);
  EXPECT(ssj_calendar_china_with_years("[]", NULL), SSJ_NULL_POINTER);
  /* A calendar is not a pool. */
  CHECK(ssj_frozen_pool_len((const ssj_frozen_pool *)cal) == 0);
  ERROR_SAYS("frozen is not a live ssj_frozen_pool handle (it is a live ssj_calendar handle)");

  ssj_calendar_free(more);
  ssj_calendar_free(cal);
  ssj_calendar_free(NULL);
  /* Used and freed again after the free: refused, nothing read. */
  first = last = 7;
  EXPECT(ssj_calendar_years(cal, &first, &last), SSJ_WRONG_HANDLE);
  CHECK(first == 7 && last == 7);
  ERROR_SAYS("calendar is not a live ssj_calendar handle (freed");
  ssj_calendar_free(cal);
  ERROR_SAYS("the handle to free is not a live ssj_calendar handle (freed");
  ssj_calendar_free(more);
  /* A foreign pointer of any size or alignment is refused unread. */
  char byte = 0;
  EXPECT(ssj_calendar_years((const ssj_calendar *)&byte, &first, &last), SSJ_WRONG_HANDLE);
  ERROR_SAYS("never made by this library");
  ssj_calendar_free((ssj_calendar *)&byte);
  ERROR_SAYS("the handle to free is not a live ssj_calendar handle");
}

static void test_kpi(void) {
  /* The tables as CSV texts inside one JSON object (departments, plans, tasks, drawn, results,
   * follow_ups; absent tables are empty). */
  const char *tables =
      "{\"departments\": \"id,name\\nD1,市场监管局\\nD2,卫健局\\n\","
      "\"plans\": \"id,year,department,kind,participants,items,special,deleted,deletion_reason\\n"
      "P1,2026,D1,joint,D2,,false,false,\\n\","
      "\"tasks\": \"id,plans,lead,participants,joint,graded,created_on,due_on,completed_on\\n"
      "T1,P1,D1,D2,true,true,2026-04-01,2026-11-30,2026-05-10\\n\","
      "\"drawn\": \"task,target,stratum,inclusion_probability\\nT1,E1,B,0.1\\nT1,E2,D,1\\n\","
      "\"results\": \"task,target,codes,inspected_on,entered_on,mobile,published_on\\n"
      "T1,E1,未发现问题,2026-04-20,2026-04-20,true,2026-04-22\\n"
      "T1,E2,发现问题已责令改正,2026-04-21,2026-04-21,true,2026-04-23\\n\","
      "\"follow_ups\": \"task,target,kind,opened_on,closed_on\\n"
      "T1,E2,rectified,2026-04-21,2026-05-06\\n\"}";
  ssj_kpi_report *report = SENTINEL;
  EXPECT(ssj_kpi_report_from_csv(NULL, NULL, &report), SSJ_NULL_POINTER);
  EXPECT(ssj_kpi_report_from_csv(tables, NULL, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_kpi_report_from_csv("[", NULL, &report), SSJ_BAD_JSON);
  EXPECT(ssj_kpi_report_from_csv(tables, "{\"nonsense\": 1}", &report), SSJ_BAD_JSON);
  CHECK(report == SENTINEL);
  OK(ssj_kpi_report_from_csv(tables, NULL, &report));

  char *json = NULL;
  OK(ssj_kpi_report_to_json(report, &json));
  CONTAINS(json, "\"numerator\"");
  CONTAINS(json, "市场监管局");
  EXPECT(ssj_kpi_report_to_json(report, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_kpi_report_to_json(NULL, &json), SSJ_NULL_POINTER);

  char *csv = NULL;
  OK(ssj_kpi_report_annex_csv(report, &csv));
  CONTAINS(csv, "合计");
  ssj_string_free(csv);
  EXPECT(ssj_kpi_report_annex_csv(report, NULL), SSJ_NULL_POINTER);

  char *text = NULL, *quarters = NULL;
  OK(ssj_kpi_report_text(report, false, &text));
  OK(ssj_kpi_report_text(report, true, &quarters));
  CONTAINS(text, "问题发现率 50.0% (1/2)");
  CHECK(strlen(quarters) > strlen(text));
  ssj_string_free(text);
  ssj_string_free(quarters);
  EXPECT(ssj_kpi_report_text(report, false, NULL), SSJ_NULL_POINTER);

  /* The flat input as JSON gives the same report. */
  ssj_kpi_report *again = NULL;
  EXPECT(ssj_kpi_report_from_input_json("{}", NULL, &again), SSJ_BAD_JSON);
  EXPECT(ssj_kpi_report_from_input_json(NULL, NULL, &again), SSJ_NULL_POINTER);
  EXPECT(ssj_kpi_report_from_input_json("{}", NULL, NULL), SSJ_NULL_POINTER);

  /* A result for a target never drawn: SSJ_KPI, naming the file and the target. */
  const char *undrawn =
      "{\"departments\": \"id,name\\nD1,市场监管局\\n\","
      "\"tasks\": \"id,plans,lead,participants,joint,graded,created_on,due_on,completed_on\\n"
      "T1,,D1,,false,false,2026-04-01,,\\n\","
      "\"results\": \"task,target,codes,inspected_on,entered_on,mobile,published_on\\n"
      "T1,E9,未发现问题,2026-04-20,2026-04-20,true,\\n\"}";
  ssj_kpi_report *bad = SENTINEL;
  EXPECT(ssj_kpi_report_from_csv(undrawn, NULL, &bad), SSJ_KPI);
  ERROR_SAYS("results.csv");
  ERROR_SAYS("E9");
  CHECK(bad == SENTINEL);
  /* A report is not a calendar. */
  bool working = false;
  EXPECT(ssj_calendar_is_working_day((const ssj_calendar *)report, "2026-10-01", &working),
         SSJ_WRONG_HANDLE);

  ssj_string_free(json);
  ssj_kpi_report_free(report);
  ssj_kpi_report_free(NULL);
}

/* The platforms' files: bytes of any format, the built-in profile or a mapping file, notes,
 * and the place of an error. */
static char *frozen_digest(ssj_frozen_pool *pool) {
  char *hex = NULL;
  OK(ssj_frozen_pool_digest(pool, &hex));
  return hex;
}

static void test_formats(void) {
  /* A title row, Chinese headers and values: the pool of the library's own CSV. */
  const char *platform = "待抽检库导入模板\n主体标识,风险等级,登记状态,监管标签\n"
                         "T1,A类,存续,\"食品经营，餐饮服务\"\nT2,低风险,撤销,餐饮服务\n";
  const char *library = "id,grade,status,tags\nT1,A,active,食品经营;餐饮服务\n"
                        "T2,A,cancelled,餐饮服务\n";
  ssj_frozen_pool *want = NULL, *got = SENTINEL;
  OK(ssj_frozen_pool_from_csv(library, NULL, &want));
  char *notes = SENTINEL;
  OK(ssj_frozen_pool_read((const uint8_t *)platform, strlen(platform), "pool.csv", NULL, 0, NULL,
                          NULL, NULL, NULL, &got, &notes));
  char *want_hex = frozen_digest(want), *got_hex = frozen_digest(got);
  CHECK(strcmp(want_hex, got_hex) == 0);
  CONTAINS(notes, "待抽检库导入模板");
  CONTAINS(notes, "存续 → active");
  ssj_string_free(notes);
  ssj_string_free(got_hex);
  ssj_frozen_pool_free(got);
  /* The library's own CSV read this way: the same digest, no notes wanted. */
  OK(ssj_frozen_pool_read((const uint8_t *)library, strlen(library), NULL, NULL, 0, NULL, NULL,
                          NULL, NULL, &got, NULL));
  got_hex = frozen_digest(got);
  CHECK(strcmp(want_hex, got_hex) == 0);
  ssj_string_free(got_hex);
  ssj_frozen_pool_free(got);

  /* GBK text (企业名称,id,grade / 甲,E1,A), as Excel saves CSV on Chinese Windows; and a
   * history. */
  const char gbk[] = "\xc6\xf3\xd2\xb5\xc3\xfb\xb3\xc6,id,grade\n\xbc\xd7,E1,A\n";
  const char *history = "target_id,date,department\nE1,2026年3月5日,D01\n";
  OK(ssj_frozen_pool_read((const uint8_t *)gbk, sizeof gbk - 1, "pool.csv",
                          (const uint8_t *)history, strlen(history), "history.csv", NULL, NULL,
                          NULL, &got, &notes));
  CHECK(ssj_frozen_pool_len(got) == 1);
  CONTAINS(notes, "GB18030");
  CONTAINS(notes, "YYYY年M月D日");
  ssj_string_free(notes);
  ssj_frozen_pool_free(got);

  /* A refused value: SSJ_FORMAT, the cell and the accepted labels; the place. */
  const char *bad = "主体标识,风险等级\nT1,A\nT2,X级\n";
  got = SENTINEL;
  EXPECT(ssj_frozen_pool_read((const uint8_t *)bad, strlen(bad), "pool.csv", NULL, 0, NULL, NULL,
                              NULL, NULL, &got, NULL),
         SSJ_FORMAT);
  ERROR_SAYS("pool.csv:3: column B 风险等级 (`grade`): \"X级\" is not a credit-risk grade");
  ERROR_SAYS("accepted: A (");
  CHECK(got == SENTINEL);
  const char *file = NULL, *sheet = SENTINEL;
  uint64_t row = 0;
  uint32_t column = 99;
  CHECK(ssj_last_error_place(&file, &sheet, &row, &column));
  CHECK(strcmp(file, "pool.csv") == 0 && sheet == NULL && row == 3 && column == 1);
  CHECK(ssj_last_error_place(NULL, NULL, NULL, NULL));
  /* The core's refusal of a row has its place too (a duplicate id). */
  const char *dup = "主体标识,风险等级\nT1,A\nT1,B\n";
  EXPECT(ssj_frozen_pool_read((const uint8_t *)dup, strlen(dup), "pool.csv", NULL, 0, NULL, NULL,
                              NULL, NULL, &got, NULL),
         SSJ_FORMAT);
  ERROR_SAYS("duplicate id");
  CHECK(ssj_last_error_place(&file, &sheet, &row, &column) && row == 3);
  /* A failure without a place clears it. */
  EXPECT(ssj_frozen_pool_read(NULL, 1, NULL, NULL, 0, NULL, NULL, NULL, NULL, &got, NULL),
         SSJ_NULL_POINTER);
  CHECK(!ssj_last_error_place(&file, &sheet, &row, &column));
  EXPECT(ssj_frozen_pool_read((const uint8_t *)bad, strlen(bad), NULL, NULL, 0, NULL, NULL, NULL,
                              NULL, NULL, NULL),
         SSJ_NULL_POINTER);
  /* A sheet a text file does not have, and a mapping file that cannot be used. */
  EXPECT(ssj_frozen_pool_read((const uint8_t *)library, strlen(library), NULL, NULL, 0, NULL,
                              "[values.grade]\n\"E\" = \"F\"\n", NULL, NULL, &got, NULL),
         SSJ_FORMAT);
  ERROR_SAYS("mapping_toml");

  /* A five-class grade by the user's rule. */
  const char *five = "主体标识,风险等级\nT1,E\n";
  EXPECT(ssj_frozen_pool_read((const uint8_t *)five, strlen(five), NULL, NULL, 0, NULL, NULL,
                              NULL, NULL, &got, NULL),
         SSJ_FORMAT);
  ERROR_SAYS("five-class");
  OK(ssj_frozen_pool_read((const uint8_t *)five, strlen(five), NULL, NULL, 0, NULL,
                          "[values.grade]\n\"E\" = \"D\"\n", NULL, NULL, &got, NULL));
  CHECK(ssj_frozen_pool_len(got) == 1);
  ssj_frozen_pool_free(got);

  /* Inspectors. */
  const char *inspectors = "市场监管领域执法人员数据库\n"
                           "单位工号,姓名,所属部门,执法证编号,执法证有效期,是否专家\n"
                           "ZF01,甲,D01,鄂01,9999-09-09,是\nZF02,乙,D01,鄂02,2027/3/5,否\n";
  ssj_inspector_pool *ins = SENTINEL;
  OK(ssj_inspector_pool_read((const uint8_t *)inspectors, strlen(inspectors), "inspectors.csv",
                             NULL, NULL, &ins, &notes));
  CHECK(ssj_inspector_pool_len(ins) == 2);
  CONTAINS(notes, "long-term");
  ssj_string_free(notes);
  ssj_inspector_pool_free(ins);
  const char *bad_ins = "单位工号,所属部门,执法证编号,是否专家\nZF01,D01,鄂01,也许\n";
  ins = SENTINEL;
  EXPECT(ssj_inspector_pool_read((const uint8_t *)bad_ins, strlen(bad_ins), NULL, NULL, NULL, &ins,
                                 NULL),
         SSJ_FORMAT);
  ERROR_SAYS("inspectors:2: column D 是否专家 (`expert`)");
  CHECK(ins == SENTINEL);

  /* KPI tables, named by their files, results in Zhejiang's wording. */
  const char *names[] = {"departments.csv", "tasks.csv", "drawn.csv", "results.tsv"};
  const char *texts[] = {
      "id,name\nD1,市场监管局\n",
      "id,plans,lead,participants,joint,graded,created_on,due_on,completed_on\n"
      "T1,,D1,,false,false,2026-04-01,,\n",
      "task,target,stratum,inclusion_probability\nT1,E1,B,0.1\nT1,E2,D,1\n",
      "任务编号\t主体标识\t检查结果\t检查日期\t录入日期\t是否掌上执法\n"
      "T1\tE1\t正常（符合信息公示相关规定）\t2026/4/20\t2026/4/20\t是\n"
      "T1\tE2\t发现问题经责令已改正\t2026年4月21日\t20260421\t否\n"};
  const uint8_t *bytes[4];
  size_t lens[4];
  for (int i = 0; i < 4; i++) {
    bytes[i] = (const uint8_t *)texts[i];
    lens[i] = strlen(texts[i]);
  }
  ssj_kpi_report *report = SENTINEL;
  OK(ssj_kpi_report_read(names, bytes, lens, 4, NULL, NULL, &report, &notes));
  CONTAINS(notes, "发现问题经责令已改正 → problem_ordered_to_correct");
  ssj_string_free(notes);
  char *text = NULL;
  OK(ssj_kpi_report_text(report, false, &text));
  CONTAINS(text, "问题发现率 50.0% (1/2)");
  ssj_string_free(text);
  ssj_kpi_report_free(report);
  const char *wrong[] = {"nonsense.csv"};
  report = SENTINEL;
  EXPECT(ssj_kpi_report_read(wrong, bytes, lens, 1, NULL, NULL, &report, NULL), SSJ_BAD_NAME);
  ERROR_SAYS("nonsense.csv");
  CHECK(report == SENTINEL);

  ssj_string_free(want_hex);
  ssj_frozen_pool_free(want);
}

/* The publication outputs: bytes of a workbook or of a CSV with a byte-order mark, freed with
 * ssj_bytes_free; a pool that does not reproduce the record publishes nothing. */
static void test_publish(void) {
  ssj_target_pool *pool = column_pool(200);
  ssj_frozen_pool *frozen = NULL;
  OK(ssj_target_pool_freeze(pool, &frozen));
  char *request = request_for("2026-SCJG-001", POLICY);
  ssj_draw_record *record = NULL;
  OK(ssj_draw(frozen, request, &record));
  size_t n = ssj_draw_record_selected_len(record);
  CHECK(n > 0);

  uint8_t *bytes = SENTINEL;
  size_t len = 0;
  OK(ssj_draw_list(record, frozen, "2026年双随机抽查", "{\"D01\": \"市场监管局\"}", SSJ_FORMAT_CSV,
                   &bytes, &len));
  const char *head = "\xEF\xBB\xBF序号,任务编号,任务名称,检查机关,";
  CHECK(len > strlen(head) && memcmp(bytes, head, strlen(head)) == 0);
  char *csv = calloc(len + 1, 1);
  memcpy(csv, bytes, len);
  size_t lines = 0;
  for (size_t i = 0; i < len; i++) lines += csv[i] == '\n';
  CHECK(lines == n + 1);
  CONTAINS(csv, "2026-SCJG-001,2026年双随机抽查,");
  const char *first_id = NULL;
  OK(ssj_draw_record_selected(record, 0, &first_id, NULL, NULL, NULL));
  CONTAINS(csv, first_id);
  free(csv);
  ssj_bytes_free(bytes, len);

  OK(ssj_draw_list(record, frozen, NULL, NULL, SSJ_FORMAT_XLSX, &bytes, &len));
  CHECK(len > 1000 && bytes[0] == 'P' && bytes[1] == 'K'); /* a zip: the workbook */
  ssj_bytes_free(bytes, len);
  ssj_bytes_free(NULL, 0);

  /* Refusals: out-parameters untouched. */
  bytes = SENTINEL;
  len = 7;
  EXPECT(ssj_draw_list(record, frozen, NULL, NULL, 9, &bytes, &len), SSJ_PUBLISH);
  ERROR_SAYS("SSJ_FORMAT_XLSX");
  EXPECT(ssj_draw_list(record, frozen, NULL, NULL, SSJ_FORMAT_CSV, NULL, &len), SSJ_NULL_POINTER);
  EXPECT(ssj_draw_list(record, frozen, NULL, NULL, SSJ_FORMAT_CSV, &bytes, NULL), SSJ_NULL_POINTER);
  EXPECT(ssj_draw_list(NULL, frozen, NULL, NULL, SSJ_FORMAT_CSV, &bytes, &len), SSJ_NULL_POINTER);
  EXPECT(ssj_draw_list(record, frozen, NULL, "[1]", SSJ_FORMAT_CSV, &bytes, &len), SSJ_BAD_JSON);
  OK(ssj_target_pool_remove(pool, first_id));
  ssj_frozen_pool *changed = NULL;
  OK(ssj_target_pool_freeze(pool, &changed));
  EXPECT(ssj_draw_list(record, changed, NULL, NULL, SSJ_FORMAT_XLSX, &bytes, &len), SSJ_PUBLISH);
  ERROR_SAYS("does not reproduce from this pool");
  ERROR_SAYS("pool digest differs");
  CHECK(bytes == SENTINEL && len == 7);

  OK(ssj_frozen_pool_to_xlsx(frozen, &bytes, &len));
  CHECK(len > 1000 && bytes[0] == 'P' && bytes[1] == 'K');
  ssj_bytes_free(bytes, len);
  EXPECT(ssj_frozen_pool_to_xlsx(NULL, &bytes, &len), SSJ_NULL_POINTER);

  /* The 检查结果公示 table and Annex 1 of KPI tables. */
  const char *tables =
      "{\"departments\": \"id,name\\nD1,市场监管局\\nD2,卫健局\\n\","
      "\"plans\": \"id,year,department,kind,participants,items,special,deleted,deletion_reason\\n"
      "P1,2026,D1,joint,D2,,false,false,\\n\","
      "\"tasks\": \"id,plans,lead,participants,joint,graded,created_on,due_on,completed_on\\n"
      "T1,P1,D1,D2,true,true,2026-04-01,2026-11-30,2026-05-10\\n\","
      "\"drawn\": \"task,target,stratum,inclusion_probability\\nT1,E1,B,0.1\\nT1,E2,D,1\\n\","
      "\"results\": \"task,target,codes,inspected_on,entered_on,mobile,published_on\\n"
      "T1,E1,未发现问题,2026-04-20,2026-04-20,true,2026-04-22\\n"
      "T1,E2,发现问题已责令改正,2026-04-21,2026-04-21,true,2026-04-23\\n\"}";
  OK(ssj_kpi_gongshi(tables, NULL, SSJ_FORMAT_CSV, &bytes, &len));
  csv = calloc(len + 1, 1);
  memcpy(csv, bytes, len);
  head = "\xEF\xBB\xBF序号,任务编号,主体名称,";
  CHECK(memcmp(csv, head, strlen(head)) == 0);
  CONTAINS(csv, "\n1,T1,,,E1,市场监管局、卫健局,部门联合双随机抽查,2026-04-20,未发现问题\n");
  CONTAINS(csv, "\n2,T1,,,E2,市场监管局、卫健局,部门联合双随机抽查,2026-04-21,发现问题已责令改正\n");
  free(csv);
  ssj_bytes_free(bytes, len);
  OK(ssj_kpi_gongshi(tables, frozen, SSJ_FORMAT_XLSX, &bytes, &len));
  CHECK(bytes[0] == 'P' && bytes[1] == 'K');
  ssj_bytes_free(bytes, len);
  EXPECT(ssj_kpi_gongshi("{\"results\": \"task\\n\"}", NULL, SSJ_FORMAT_CSV, &bytes, &len),
         SSJ_KPI);
  EXPECT(ssj_kpi_gongshi(NULL, NULL, SSJ_FORMAT_CSV, &bytes, &len), SSJ_NULL_POINTER);

  ssj_kpi_report *report = NULL;
  OK(ssj_kpi_report_from_csv(tables, NULL, &report));
  OK(ssj_kpi_report_annex_xlsx(report, NULL, &bytes, &len));
  CHECK(len > 1000 && bytes[0] == 'P' && bytes[1] == 'K');
  ssj_bytes_free(bytes, len);
  OK(ssj_kpi_report_annex_xlsx(report, "{\"title\": \"情况表\", \"as_of\": \"2026-06-30\"}", &bytes,
                               &len));
  ssj_bytes_free(bytes, len);
  EXPECT(ssj_kpi_report_annex_xlsx(report, "{\"as_of\": \"June\"}", &bytes, &len), SSJ_BAD_JSON);
  EXPECT(ssj_kpi_report_annex_xlsx(NULL, NULL, &bytes, &len), SSJ_NULL_POINTER);
  ssj_kpi_report_free(report);

  ssj_frozen_pool_free(changed);
  ssj_draw_record_free(record);
  free(request);
  ssj_frozen_pool_free(frozen);
  ssj_target_pool_free(pool);
}

int main(void) {
  test_basics();
  test_credit_codes();
  test_target_pool();
  test_columns();
  test_draw();
  test_inspectors();
  test_pool_csv();
  test_log_and_teams();
  test_plans_and_merging();
  test_lifecycle();
  test_calendar();
  test_kpi();
  test_formats();
  test_publish();
  printf("test_ffi: %d passed, 0 failed\n", checks_passed);
  return 0;
}
