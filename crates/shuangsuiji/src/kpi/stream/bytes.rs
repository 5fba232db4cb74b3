//! Tables read as bytes, piece by piece, in line-aligned parts on several threads.
//!
//! Only the plain shape of CSV is read here: no quote anywhere, lines ending in `\n` or
//! `\r\n`, no empty line, every line with the header's number of fields. In that shape every
//! line break ends a record, so a table can be cut at any line break and each part read on
//! its own thread: the rows are exactly those `csv`'s reader gives. Anything else gives up
//! (`None`), and the caller reads the table with `csv` ([`super::super::KpiInput::from_csv`]),
//! which reads every shape and names every error.

use crate::kpi::Table;
use crate::kpi::rows::positions;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

/// The bytes of a table, read from an offset on: a file (the command line opens one reader per
/// part of the table), or text in memory (`&str`, `String` and `&[u8]` implement it).
pub trait TableBytes: Sync {
    /// The number of bytes.
    fn byte_len(&self) -> u64;

    /// A reader of the bytes from `offset` on, in order; `None` when they cannot be read (the
    /// caller's own reading then says why).
    fn open_at(&self, offset: u64) -> Option<Box<dyn Read + Send + '_>>;
}

/// The bytes of `text` from `offset` on.
fn open_slice(text: &[u8], offset: u64) -> Option<Box<dyn Read + Send + '_>> {
    let from = usize::try_from(offset).ok()?;
    Some(Box::new(text.get(from..)?))
}

impl TableBytes for &[u8] {
    fn byte_len(&self) -> u64 {
        self.len() as u64
    }

    fn open_at(&self, offset: u64) -> Option<Box<dyn Read + Send + '_>> {
        open_slice(self, offset)
    }
}

impl TableBytes for &str {
    fn byte_len(&self) -> u64 {
        self.len() as u64
    }

    fn open_at(&self, offset: u64) -> Option<Box<dyn Read + Send + '_>> {
        open_slice(self.as_bytes(), offset)
    }
}

impl TableBytes for String {
    fn byte_len(&self) -> u64 {
        self.len() as u64
    }

    fn open_at(&self, offset: u64) -> Option<Box<dyn Read + Send + '_>> {
        open_slice(self.as_bytes(), offset)
    }
}

/// The most columns a table has (`plans.csv`, `tasks.csv`: 9).
pub(super) const MAX_COLUMNS: usize = 9;

/// The cells of a row: the row's first, then empty ones (an absent column reads the last).
pub(super) type Cells<'t> = [&'t [u8]; 16];

/// Where an absent column is read: always empty.
const ABSENT: usize = 15;

/// Bytes read at a time per part (small in tests, so that lines and characters are cut).
const PIECE: usize = if cfg!(test) { 7 } else { 1 << 20 };

/// Below this many bytes of rows a table is read on one thread.
pub(super) const SPLIT_FROM: u64 = if cfg!(test) { 64 } else { 4 << 20 };

/// What a part hands its rows to.
pub(super) trait Rows {
    /// One row, its cells in the header's order (UTF-8: the text was checked, and cells end
    /// at ASCII delimiters); `false` gives up.
    fn row(&mut self, cells: &Cells<'_>) -> bool;

    /// About `rows` more rows are coming to this part, and `after` to the parts after it
    /// (from their sizes): reserve room.
    fn reserve(&mut self, _rows: usize, _after: usize) {}
}

/// A table's header: where its rows start, how many cells a row has, and the position of
/// each column of the table among them.
pub(super) struct Header {
    /// The offset of the first row.
    pub(super) body: u64,
    /// The number of bytes of the table.
    pub(super) len: u64,
    /// Cells per row.
    pub(super) width: usize,
    /// The position of each of the table's columns among the cells ([`ABSENT`] when absent).
    pos: [usize; MAX_COLUMNS],
}

impl Header {
    /// The cell of column `n` in `cells`; an absent column is empty.
    #[inline(always)]
    pub(super) fn cell<'c>(&self, cells: &Cells<'c>, n: usize) -> &'c [u8] {
        cells[self.pos[n] & 15]
    }
}

/// Reads the header line: `Some(None)` for an empty table, `None` to give up (a header that
/// is not in the plain shape, or that `csv_io` would refuse).
pub(super) fn header(
    table: Table,
    columns: &'static [(&'static str, bool)],
    source: &dyn TableBytes,
) -> Option<Option<Header>> {
    let len = source.byte_len();
    if len == 0 {
        return Some(None);
    }
    let mut reader = source.open_at(0)?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(i) = memchr::memchr(b'\n', &buf) {
            break i;
        }
        if buf.len() > 1 << 20 {
            return None;
        }
        let n = read_some(&mut reader, &mut chunk)?;
        if n == 0 {
            break buf.len();
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let body = if end < buf.len() { end + 1 } else { end } as u64;
    let line = buf[..end].strip_suffix(b"\r").unwrap_or(&buf[..end]);
    let text = std::str::from_utf8(line).ok()?;
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() || text.contains(['"', '\r']) {
        return None;
    }
    let names: Vec<&str> = text.split(',').collect();
    if names.len() > MAX_COLUMNS {
        return None;
    }
    let found = positions(table, columns, names.iter().copied().enumerate()).ok()?;
    let mut pos = [ABSENT; MAX_COLUMNS];
    for (n, p) in found.into_iter().enumerate() {
        pos[n] = p.unwrap_or(ABSENT);
    }
    Some(Some(Header {
        body,
        len,
        width: names.len(),
        pos,
    }))
}

/// `read` that retries when interrupted; `None` on an error.
fn read_some(reader: &mut dyn Read, buf: &mut [u8]) -> Option<usize> {
    loop {
        match reader.read(buf) {
            Ok(n) => return Some(n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
}

/// Fills `buf` as far as the reader goes: the bytes read (fewer only at the end).
fn read_full(reader: &mut dyn Read, buf: &mut [u8]) -> Option<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let n = read_some(reader, &mut buf[filled..])?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Some(filled)
}

/// The number of parts a table of `header` is read in.
pub(super) fn parts_for(header: &Header) -> usize {
    if header.len - header.body >= SPLIT_FROM {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(2))
    } else {
        1
    }
}

/// Reads the rows of a table in `sinks.len()` parts, one thread each, the first on this one:
/// part `i` gets the rows that start in its share of the bytes, cut at line breaks (the first
/// line break at or after the cut). `false` when a part gave up (the others stop soon after).
pub(super) fn read_parts<R: Rows + Send>(
    source: &dyn TableBytes,
    header: &Header,
    sinks: &mut [R],
) -> bool {
    let n = sinks.len() as u64;
    let body = header.body;
    let span = header.len - body;
    let cut = |i: u64| body + span * i / n;
    let stop = AtomicBool::new(false);
    let stop = &stop;
    let width = header.width;
    let run = |i: u64, sink: &mut R| {
        let from = if i == 0 { body } else { cut(i) - 1 };
        let until = (i + 1 < n).then(|| cut(i + 1));
        let ok = read_part(source, from, i > 0, until, width, sink, stop).is_some();
        if !ok {
            stop.store(true, Relaxed);
        }
        ok
    };
    let Some((first, rest)) = sinks.split_first_mut() else {
        return true;
    };
    std::thread::scope(|s| {
        let others: Vec<_> = rest
            .iter_mut()
            .enumerate()
            .map(|(i, sink)| s.spawn(move || run(i as u64 + 1, sink)))
            .collect();
        let mut ok = run(0, first);
        for h in others {
            ok &= h.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        }
        ok
    })
}

/// Reads one part: from `from` (after its first line break when `skip`, which the previous
/// part reads up to), up to and including the first line break at or after `until - 1`, or to
/// the end. `None` when the rows give up, the bytes are not plain CSV or not UTF-8, or another
/// part gave up.
fn read_part(
    source: &dyn TableBytes,
    from: u64,
    skip: bool,
    until: Option<u64>,
    width: usize,
    rows: &mut impl Rows,
    stop: &AtomicBool,
) -> Option<()> {
    let mut reader = source.open_at(from)?;
    let mut buf = vec![0u8; PIECE];
    // `buf[..filled]` holds the bytes from offset `at` on.
    let (mut filled, mut at) = (0usize, from);
    let mut skipping = skip;
    let mut reserved = false;
    loop {
        if stop.load(Relaxed) {
            return None;
        }
        let n = read_full(&mut reader, &mut buf[filled..])?;
        filled += n;
        let eof = filled < buf.len();
        let data = &buf[..filled];
        let mut start = 0;
        if skipping {
            match memchr::memchr(b'\n', data) {
                Some(i) => {
                    // The line break ending the previous part's last line: if it is at or
                    // after this part's own end, this part has no line.
                    if until.is_some_and(|u| at + i as u64 >= u - 1) {
                        return Some(());
                    }
                    start = i + 1;
                    skipping = false;
                }
                None if eof => return Some(()),
                None => {
                    at += filled as u64;
                    filled = 0;
                    continue;
                }
            }
        }
        // Complete lines only, but for the last one at the end.
        let mut end = if eof {
            filled
        } else {
            match memchr::memrchr(b'\n', &data[start..]) {
                Some(i) => start + i + 1,
                None => start,
            }
        };
        let mut done = eof;
        if let Some(u) = until {
            let from_rel = usize::try_from((u - 1).saturating_sub(at))
                .unwrap_or(usize::MAX)
                .max(start);
            if from_rel < end {
                if let Some(i) = memchr::memchr(b'\n', &data[from_rel..end]) {
                    end = from_rel + i + 1;
                }
                done = true;
            }
        }
        if end > start {
            let text = std::str::from_utf8(&data[start..end]).ok()?;
            if !reserved {
                reserved = true;
                let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count().max(1);
                let end = source.byte_len();
                let left = until.unwrap_or(end).saturating_sub(at + start as u64);
                let after = end - until.unwrap_or(end).min(end);
                let per_line = (text.len() / lines).max(1) as u64;
                let rows_of = |bytes: u64| usize::try_from(bytes / per_line).unwrap_or(0);
                rows.reserve(rows_of(left) + 16, rows_of(after * 21 / 20));
            }
            if !lines(text, width, rows) {
                return None;
            }
        }
        if done {
            return Some(());
        }
        buf.copy_within(end..filled, 0);
        at += end as u64;
        filled -= end;
        if filled == buf.len() {
            // A line longer than the buffer.
            buf.resize(buf.len() * 2, 0);
        }
    }
}

/// Hands the rows of `text` (whole lines; the last may lack its line break) to `rows`.
/// `false` when a row gives up or a line is not plain CSV: a quote, a carriage return but
/// before a line break, an empty line, or not `width` cells.
fn lines(text: &str, width: usize, rows: &mut impl Rows) -> bool {
    let b = text.as_bytes();
    if memchr::memchr(b'"', b).is_some() {
        return false;
    }
    for i in memchr::memchr_iter(b'\r', b) {
        if b.get(i + 1) != Some(&b'\n') {
            return false;
        }
    }
    let mut split = Split {
        text: b,
        width,
        cells: [b""; 16],
        n: 0,
        start: 0,
    };
    // Commas and line breaks among the bytes below '-' found eight bytes at a time (few
    // other bytes are: spaces, some punctuation).
    let mut at = 0;
    while at + 8 <= b.len() {
        let mut m = below_dash(word(b, at));
        while m != 0 {
            let i = at + (m.trailing_zeros() / 8) as usize;
            m &= m - 1;
            let ok = match b[i] {
                b',' => split.comma(i),
                b'\n' => split.line_end(i, rows),
                _ => true,
            };
            if !ok {
                return false;
            }
        }
        at += 8;
    }
    for (i, c) in b.iter().enumerate().skip(at) {
        let ok = match c {
            b',' => split.comma(i),
            b'\n' => split.line_end(i, rows),
            _ => true,
        };
        if !ok {
            return false;
        }
    }
    let Split {
        cells, n, start, ..
    } = split;
    if start < b.len() {
        if n + 1 != width {
            return false;
        }
        let mut cells = cells;
        cells[n] = &b[start..];
        return rows.row(&cells);
    }
    n == 0
}

/// The cells of the line being split.
struct Split<'t> {
    text: &'t [u8],
    width: usize,
    cells: Cells<'t>,
    /// Cells of the line so far.
    n: usize,
    /// Where the current cell starts.
    start: usize,
}

impl Split<'_> {
    /// A comma at `i`: a cell ends.
    #[inline(always)]
    fn comma(&mut self, i: usize) -> bool {
        if self.n + 1 >= self.width {
            return false;
        }
        self.cells[self.n] = &self.text[self.start..i];
        self.n += 1;
        self.start = i + 1;
        true
    }

    /// A line break at `i`: the row goes to `rows`.
    #[inline(always)]
    fn line_end(&mut self, i: usize, rows: &mut impl Rows) -> bool {
        let b = self.text;
        let end = if i > self.start && b[i - 1] == b'\r' {
            i - 1
        } else {
            i
        };
        if self.n + 1 != self.width || (self.n == 0 && end == self.start) {
            return false;
        }
        self.cells[self.n] = &b[self.start..end];
        if !rows.row(&self.cells) {
            return false;
        }
        self.n = 0;
        self.start = i + 1;
        true
    }
}

/// The eight bytes of `b` from `at`, little-endian.
#[inline(always)]
pub(super) fn word(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

/// The high bit of each byte of `w` below `-` (0x2d), exactly: `(byte | 0x80) - 0x2d` keeps
/// its high bit exactly when the byte's low seven bits are at least 0x2d, and never borrows
/// from the next byte.
#[inline(always)]
fn below_dash(w: u64) -> u64 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    !((w | HIGH) - 0x2d2d_2d2d_2d2d_2d2d) & !w & HIGH
}

/// Up to eight bytes as a word (zero above them).
#[inline(always)]
pub(super) fn short_word(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    let n = b.len().min(8);
    w[..n].copy_from_slice(&b[..n]);
    u64::from_le_bytes(w)
}

/// Values read before, by their text (a draw has a few probabilities and strata, an export a
/// few sets of result codes): compared by length and first word before the bytes.
pub(super) struct Known<T> {
    known: Vec<(usize, u64, Box<[u8]>, T)>,
    /// How many texts are kept.
    cap: usize,
}

impl<T: Copy> Known<T> {
    pub(super) fn new(cap: usize) -> Known<T> {
        Known {
            known: Vec::new(),
            cap,
        }
    }

    /// The value of `s`, read by `read` the first time.
    #[inline(always)]
    pub(super) fn get(&mut self, s: &[u8], read: impl FnOnce(&[u8]) -> T) -> T {
        let (n, w) = (s.len(), short_word(s));
        let found = self
            .known
            .iter()
            .find(|e| e.0 == n && e.1 == w && (n <= 8 || same(&e.2, s)));
        if let Some(e) = found {
            return e.3;
        }
        let x = read(s);
        if self.known.len() < self.cap {
            self.known.push((n, w, s.into(), x));
        }
        x
    }
}

/// Whether two short byte strings are equal, without a call to `memcmp` (most ids are a
/// word or two).
#[inline(always)]
pub(super) fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        if n >= 4 {
            let half =
                |x: &[u8], i: usize| u32::from_le_bytes([x[i], x[i + 1], x[i + 2], x[i + 3]]);
            return half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4);
        }
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    let mut i = 0;
    while i + 8 <= n {
        if word(a, i) != word(b, i) {
            return false;
        }
        i += 8;
    }
    i == n || word(a, n - 8) == word(b, n - 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Collect(Vec<Vec<String>>, usize);

    impl Rows for Collect {
        fn row(&mut self, cells: &Cells<'_>) -> bool {
            let cells = &cells[..self.1];
            self.0.push(
                cells
                    .iter()
                    .map(|c| String::from_utf8(c.to_vec()).unwrap())
                    .collect(),
            );
            true
        }
    }

    const DRAWN: &[(&str, bool)] = crate::kpi::rows::DRAWN;

    fn read(text: &str, parts: usize) -> Option<Vec<Vec<String>>> {
        let h = header(Table::Drawn, DRAWN, &text)??;
        let mut sinks: Vec<Collect> = (0..parts).map(|_| Collect(Vec::new(), h.width)).collect();
        if !read_parts(&text, &h, &mut sinks) {
            return None;
        }
        Some(sinks.into_iter().flat_map(|c| c.0).collect())
    }

    fn by_csv(text: &str) -> Vec<Vec<String>> {
        let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        r.records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    /// Every cut of every part count gives `csv`'s rows, with long lines, wide characters,
    /// `\r\n` and no final line break.
    #[test]
    fn parts_give_the_rows_of_csv() {
        let mut text = String::from("\u{feff}task,target,stratum,inclusion_probability\r\n");
        for i in 0..40 {
            let long = "长".repeat(i % 7 * 3);
            text.push_str(&format!("T{i},E{i}{long},A,0.{i}\r\n"));
        }
        for text in [
            text.clone(),
            text.replace("\r\n", "\n"),
            text.trim_end().into(),
        ] {
            let want = by_csv(&text);
            for parts in 1..6 {
                assert_eq!(read(&text, parts).unwrap(), want, "{parts}");
            }
        }
    }

    #[test]
    fn words_find_their_bytes() {
        for w in [
            0u64,
            u64::MAX,
            0x2c2c_0a00_802c_ff2c,
            0x0a2d_2c2b_0a0b_2cac,
            0x2e2d_ad2c_1f20_7f80,
        ] {
            let want = w
                .to_le_bytes()
                .iter()
                .enumerate()
                .filter(|(_, b)| **b < b'-')
                .fold(0u64, |m, (i, _)| m | 0x80 << (8 * i));
            assert_eq!(below_dash(w), want, "{w:x}");
        }
        for byte in 0..=255u8 {
            let w = u64::from_le_bytes([byte, b'a', byte, 0xff, byte, 0, b'-', byte]);
            let want = w
                .to_le_bytes()
                .iter()
                .enumerate()
                .filter(|(_, b)| **b < b'-')
                .fold(0u64, |m, (i, _)| m | 0x80 << (8 * i));
            assert_eq!(below_dash(w), want, "{w:x}");
        }
        for (a, b) in [
            ("", ""),
            ("E1", "E1"),
            ("E0104729", "E0104729"),
            ("T00000001x", "T00000001x"),
        ] {
            assert!(same(a.as_bytes(), b.as_bytes()));
        }
        for (a, b) in [
            ("E1", "E2"),
            ("E0104729", "E0104728"),
            ("T00000001x", "T00000002x"),
            ("T0000000100", "T000000010"),
        ] {
            assert!(!same(a.as_bytes(), b.as_bytes()));
        }
    }

    #[test]
    fn other_shapes_give_up() {
        let head = "task,target,stratum,inclusion_probability\n";
        for body in [
            "T1,\"E1\",A,0.1\n",
            "T1,E1,A\n",
            "T1,E1,A,0.1,x\n",
            "T1,E1,A,0.1\n\nT2,E2,A,0.1\n",
            "T1,E1\r,A,0.1\n",
            "T1,E1,A,0.1\r",
        ] {
            let text = format!("{head}{body}");
            for parts in 1..4 {
                assert_eq!(read(&text, parts), None, "{body:?}");
            }
        }
        assert!(header(Table::Drawn, DRAWN, &"").unwrap().is_none());
        assert!(header(Table::Drawn, DRAWN, &"task,target,bogus\n").is_none());
        assert!(header(Table::Drawn, DRAWN, &"\"task\",target\n").is_none());
        assert_eq!(read(head, 2).unwrap(), Vec::<Vec<String>>::new());
        assert_eq!(read(head.trim_end(), 1).unwrap(), Vec::<Vec<String>>::new());
    }
}
