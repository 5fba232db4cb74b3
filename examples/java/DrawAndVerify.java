/*
 * shuangsuiji from Java 17 through JNA: validate credit codes, build a target pool, draw,
 * verify, and read the library's error messages.
 *
 * Build and run after `scripts/install-c.sh PREFIX` (Debian: apt-get install libjna-java):
 *   javac -cp /usr/share/java/jna.jar DrawAndVerify.java
 *   java -cp /usr/share/java/jna.jar:. -Djna.library.path=PREFIX/lib DrawAndVerify
 *
 * The conventions are those of the C header (docs/C-API.md): every call returns a result code,
 * 0 for success; ssj_last_error() explains a failure; strings the library returns through a
 * `char **` are copied into Java and then freed with ssj_string_free; handles are freed with
 * their ssj_<type>_free. Copy Ssj, SizeT and check() into your own code and add the functions
 * you need from shuangsuiji.h in the same way.
 */
import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.Structure;
import com.sun.jna.ptr.PointerByReference;
import java.util.Map;

public final class DrawAndVerify {

    /** C's size_t, whatever its width. */
    public static final class SizeT extends IntegerType {
        public SizeT() { this(0); }
        public SizeT(long value) { super(Native.SIZE_T_SIZE, value, true); }
    }

    /** ssj_target_columns: one array per column, NULL for an absent column. */
    @Structure.FieldOrder({"len", "ids", "credit_codes", "names", "kinds", "regions",
            "industries", "grades", "statuses", "tags", "risk_scores", "positive_list"})
    public static final class TargetColumns extends Structure {
        public SizeT len;
        public Pointer ids, credit_codes, names, kinds, regions, industries, grades, statuses,
                tags, risk_scores, positive_list;
    }

    /** ssj_draw_counts; strata in the order A, B, C, D, ungraded. */
    @Structure.FieldOrder({"pool_size", "out_of_scope", "excluded", "eligible", "sample_size",
            "selected"})
    public static final class DrawCounts extends Structure {
        public long pool_size, out_of_scope, excluded;
        public long[] eligible = new long[5];
        public long[] sample_size = new long[5];
        public long selected;
    }

    /** The functions of shuangsuiji.h this program uses; handles are plain Pointers. */
    public interface Ssj extends Library {
        Ssj LIB = Native.load("shuangsuiji", Ssj.class,
                Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));

        int SSJ_OK = 0;

        String ssj_version();
        String ssj_result_message(int code);
        String ssj_last_error();
        void ssj_string_free(Pointer s);

        int ssj_credit_code_validate(String code);
        int ssj_credit_codes_validate(Pointer codes, SizeT n, int[] checks, int[] positions,
                Pointer invalidOut);

        int ssj_target_pool_from_columns(TargetColumns columns, PointerByReference poolOut);
        int ssj_target_pool_freeze(Pointer pool, PointerByReference frozenOut);
        void ssj_target_pool_free(Pointer pool);
        SizeT ssj_frozen_pool_len(Pointer frozen);
        int ssj_frozen_pool_digest(Pointer frozen, PointerByReference hexOut);
        void ssj_frozen_pool_free(Pointer frozen);

        int ssj_seed_from_public_entropy(String source, String value, String taskId,
                PointerByReference hexOut);
        int ssj_draw(Pointer frozen, String requestJson, PointerByReference recordOut);
        int ssj_draw_record_counts(Pointer record, DrawCounts countsOut);
        int ssj_draw_record_selected(Pointer record, SizeT index, PointerByReference idOut,
                double[] probabilityOut, double[] weightOut, int[] stratumOut);
        int ssj_draw_record_to_json(Pointer record, PointerByReference jsonOut);
        void ssj_draw_record_free(Pointer record);
        int ssj_verify_record_json(Pointer frozen, String recordJson, Pointer mismatchesOut,
                PointerByReference mismatchesJsonOut);
    }

    private static final Ssj SSJ = Ssj.LIB;

    /** Thrown for a failed call, with the library's explanation. */
    public static final class SsjException extends RuntimeException {
        public final int code;
        SsjException(int code, String what) {
            super(what + ": " + SSJ.ssj_result_message(code) + ": " + SSJ.ssj_last_error());
            this.code = code;
        }
    }

    static void check(int code, String what) {
        if (code != Ssj.SSJ_OK) {
            throw new SsjException(code, what);
        }
    }

    /** Copies a string the library returned and frees it. */
    static String take(PointerByReference out) {
        Pointer p = out.getValue();
        try {
            return p.getString(0, "UTF-8");
        } finally {
            SSJ.ssj_string_free(p);
        }
    }

    static long readSize(Memory m) {
        return Native.SIZE_T_SIZE == 8 ? m.getLong(0) : m.getInt(0);
    }

    public static void main(String[] args) {
        System.out.println("shuangsuiji " + SSJ.ssj_version());

        // 1. Credit codes: a whole column at once, then one with its explanation.
        String[] codes = {"91350100M000100Y43", "91350100M000100Y44", "9135010"};
        int[] checks = new int[codes.length];
        int[] positions = new int[codes.length];
        Memory invalid = new Memory(Native.SIZE_T_SIZE);
        check(SSJ.ssj_credit_codes_validate(new StringArray(codes, "UTF-8"),
                new SizeT(codes.length), checks, positions, invalid), "validate codes");
        System.out.println(readSize(invalid) + " of " + codes.length + " codes invalid");
        if (SSJ.ssj_credit_code_validate(codes[1]) != Ssj.SSJ_OK) {
            System.out.println("code " + codes[1] + ": " + SSJ.ssj_last_error());
        }

        // 2. A pool of 1,000 targets from columns, frozen (canonical order + SM3 digest).
        int n = 1000;
        String[] ids = new String[n];
        String[] grades = new String[n];
        String[] gradeOf = {"A", "B", "C", "D", ""}; // "" = not yet graded
        for (int i = 0; i < n; i++) {
            ids[i] = String.format("E%04d", i);
            grades[i] = gradeOf[i % 5];
        }
        TargetColumns columns = new TargetColumns();
        columns.len = new SizeT(n);
        StringArray idColumn = new StringArray(ids, "UTF-8"); // kept alive until the call ends
        StringArray gradeColumn = new StringArray(grades, "UTF-8");
        columns.ids = idColumn;
        columns.grades = gradeColumn;
        PointerByReference out = new PointerByReference();
        check(SSJ.ssj_target_pool_from_columns(columns, out), "build the pool");
        Pointer pool = out.getValue();
        check(SSJ.ssj_target_pool_freeze(pool, out), "freeze");
        Pointer frozen = out.getValue();
        check(SSJ.ssj_frozen_pool_digest(frozen, out), "digest");
        System.out.println("pool of " + SSJ.ssj_frozen_pool_len(frozen) + " targets, digest "
                + take(out).substring(0, 16) + "...");

        // 3. Draw with a seed from a lottery result published after the pool was frozen.
        String source = "双色球 2026130期";
        String value = "03 07 12 19 25 31 + 09";
        String task = "2026-SCJG-001";
        check(SSJ.ssj_seed_from_public_entropy(source, value, task, out), "seed");
        String request = """
                {"task_id": "%s", "seed": "%s",
                 "seed_origin": {"method": "public_entropy", "source": "%s", "value": "%s"},
                 "policy": {"ratios": {"A": "5%%", "B": "20%%", "C": "60%%", "D": "100%%",
                                       "ungraded": "10%%"}}}
                """.formatted(task, take(out), source, value);
        check(SSJ.ssj_draw(frozen, request, out), "draw");
        Pointer record = out.getValue();
        DrawCounts counts = new DrawCounts();
        check(SSJ.ssj_draw_record_counts(record, counts), "counts");
        System.out.printf("drawn %d of %d (A %d, B %d, C %d, D %d, ungraded %d)%n",
                counts.selected, counts.pool_size, counts.sample_size[0], counts.sample_size[1],
                counts.sample_size[2], counts.sample_size[3], counts.sample_size[4]);
        String[] stratumNames = {"A", "B", "C", "D", "ungraded"};
        for (int i = 0; i < 3; i++) {
            double[] probability = new double[1];
            int[] stratum = new int[1];
            check(SSJ.ssj_draw_record_selected(record, new SizeT(i), out, probability, null,
                    stratum), "selected");
            // The id is borrowed from the record (not to be freed): copy it while it lives.
            System.out.printf("  %s  stratum %s, inclusion probability %.2f%n",
                    out.getValue().getString(0, "UTF-8"), stratumNames[stratum[0]],
                    probability[0]);
        }

        // 4. Publish the record; anyone holding the pool re-runs it.
        check(SSJ.ssj_draw_record_to_json(record, out), "record to JSON");
        String published = take(out);
        Memory mismatches = new Memory(Native.SIZE_T_SIZE);
        check(SSJ.ssj_verify_record_json(frozen, published, mismatches, null), "verify");
        System.out.println("verification: " + (readSize(mismatches) == 0
                ? "the record reproduces exactly" : "MISMATCH"));

        // 5. Bad input is an exception with the library's explanation, never a crash.
        try {
            check(SSJ.ssj_draw(frozen, "{\"task_id\": \"x\"}", out), "draw");
        } catch (SsjException e) {
            System.out.println("bad request refused: " + e.getMessage());
        }

        SSJ.ssj_draw_record_free(record);
        SSJ.ssj_frozen_pool_free(frozen);
        SSJ.ssj_target_pool_free(pool);
    }
}
