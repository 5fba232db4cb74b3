//! Digests (SM3, GB/T 32905-2016) and the canonical byte encoding they are taken over.
//!
//! The encoding is deliberately primitive so that anyone can reproduce a digest from
//! `docs/SAMPLING.md` in a few lines of any language: every field is written as a string, a
//! string is its UTF-8 length as a 4-byte big-endian integer followed by its bytes, and a list is
//! its element count (4 bytes, big-endian) followed by its elements.

use sm3::{Digest as _, Sm3};

/// A 256-bit SM3 digest, written as 64 lowercase hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// The all-zero digest, used as the “previous” link of a log's first entry.
    pub const ZERO: Digest = Digest([0; 32]);

    /// SM3 of a byte string.
    pub fn sm3(bytes: &[u8]) -> Digest {
        Digest(Sm3::digest(bytes).into())
    }
}

/// A string that is not 64 hex characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} must be 64 hex characters (256 bits), got {got:?}")]
pub struct BadHex {
    /// What was being parsed (“seed”, “digest”).
    pub what: &'static str,
    /// The offending text (shortened).
    pub got: String,
}

pub(crate) fn parse_hex32(what: &'static str, s: &str) -> Result<[u8; 32], BadHex> {
    let bad = || BadHex {
        what,
        got: s.chars().take(80).collect(),
    };
    let s = s.strip_prefix("0x").unwrap_or(s);
    if s.len() != 64 {
        return Err(bad());
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(s.as_bytes().chunks_exact(2)) {
        let (hi, lo) = (
            HEX_VALUE[usize::from(pair[0])],
            HEX_VALUE[usize::from(pair[1])],
        );
        if hi > 15 || lo > 15 {
            return Err(bad());
        }
        *byte = (hi << 4) | lo;
    }
    Ok(out)
}

/// The value of each hex digit (either case); 255 for any other byte. (Logs and indexes hold
/// three 64-digit values per entry: a table beats a match per digit.)
const HEX_VALUE: [u8; 256] = {
    let mut t = [255u8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// The string forms shared by every 256-bit value written in hex (digests, seeds): `FromStr`
/// (64 hex digits, an optional `0x`), serde as a string, `Display` and `Debug` in hex.
macro_rules! hex32_newtype {
    ($name:ident, $what:literal) => {
        impl $name {
            /// Lowercase hex.
            pub fn to_hex(&self) -> String {
                hex::encode(self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::digest::BadHex;
            fn from_str(s: &str) -> Result<Self, $crate::digest::BadHex> {
                $crate::digest::parse_hex32($what, s.trim()).map($name)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut buf = [0u8; 64];
                // Hex digits are ASCII, so the buffer is UTF-8.
                let text = hex::encode_to_slice(self.0, &mut buf)
                    .ok()
                    .and_then(|()| std::str::from_utf8(&buf).ok())
                    .unwrap_or_default();
                s.serialize_str(text)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct Hex;
                impl serde::de::Visitor<'_> for Hex {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        v.parse().map_err(E::custom)
                    }
                }
                d.deserialize_str(Hex)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::digest::BadHex;
            fn try_from(s: String) -> Result<Self, $crate::digest::BadHex> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.to_hex()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.to_hex())
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.to_hex())
            }
        }
    };
}
pub(crate) use hex32_newtype;

hex32_newtype!(Digest, "digest");

/// Appends `str(date as YYYY-MM-DD)` (years outside 0–9999 as chrono writes them).
pub(crate) fn push_date(out: &mut Vec<u8>, d: chrono::NaiveDate) {
    use chrono::Datelike;
    let (y, m, day) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&y) {
        let text = d.format("%Y-%m-%d").to_string();
        push_count(out, text.len());
        out.extend_from_slice(text.as_bytes());
        return;
    }
    let y = y as u32;
    let digits = [
        y / 1000,
        y / 100 % 10,
        y / 10 % 10,
        y % 10,
        10,
        m / 10,
        m % 10,
        10,
        day / 10,
        day % 10,
    ];
    let text = digits.map(|d| if d == 10 { b'-' } else { b'0' + d as u8 });
    push_count(out, text.len());
    out.extend_from_slice(&text);
}

/// Appends `str(n in decimal without leading zeros)`.
pub(crate) fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut text = [0u8; 20];
    let mut at = text.len();
    loop {
        at -= 1;
        text[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    push_count(out, text.len() - at);
    out.extend_from_slice(&text[at..]);
}

/// Appends a count as 4 bytes, big-endian. Every length we encode is bounded far below 2³² by
/// construction (ids, names, lists of one entity); saturating keeps this total rather than
/// panicking.
pub(crate) fn push_count(out: &mut Vec<u8>, n: usize) {
    let n = u32::try_from(n).unwrap_or(u32::MAX);
    out.extend_from_slice(&n.to_be_bytes());
}

/// Streams the canonical encoding into SM3, through a buffer: a pool's encoding is millions of
/// short strings, and hashing them one call each costs more than the hash itself.
pub(crate) struct Encoder {
    hasher: Sm3,
    buf: Vec<u8>,
}

const FLUSH_AT: usize = 1 << 16;

impl Encoder {
    /// Starts a digest with a domain-separation label, itself encoded as a string.
    pub(crate) fn new(label: &str) -> Encoder {
        let mut e = Encoder {
            hasher: Sm3::new(),
            buf: Vec::with_capacity(FLUSH_AT + 1024),
        };
        e.str(label);
        e
    }

    pub(crate) fn str(&mut self, s: &str) {
        self.count(s.len());
        self.bytes(s.as_bytes());
    }

    pub(crate) fn opt_str(&mut self, s: Option<&str>) {
        self.str(s.unwrap_or(""));
    }

    /// A date as the string `YYYY-MM-DD` (years outside 0–9999 as chrono writes them).
    pub(crate) fn date(&mut self, d: chrono::NaiveDate) {
        self.append(|buf| push_date(buf, d));
    }

    /// A non-negative integer as decimal digits without leading zeros.
    pub(crate) fn decimal(&mut self, n: u64) {
        self.append(|buf| push_decimal(buf, n));
    }

    /// Writes straight into the buffer (encoded bytes of whole entries at a time).
    pub(crate) fn append(&mut self, f: impl FnOnce(&mut Vec<u8>)) {
        f(&mut self.buf);
        if self.buf.len() >= FLUSH_AT {
            self.hasher.update(&self.buf);
            self.buf.clear();
        }
    }

    /// A list length (or any count below 2³²).
    pub(crate) fn count(&mut self, n: usize) {
        self.append(|buf| push_count(buf, n));
    }

    pub(crate) fn u64(&mut self, n: u64) {
        self.bytes(&n.to_be_bytes());
    }

    pub(crate) fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= FLUSH_AT {
            self.hasher.update(&self.buf);
            self.buf.clear();
        }
    }

    pub(crate) fn finish(mut self) -> Digest {
        self.hasher.update(&self.buf);
        Digest(self.hasher.finalize().into())
    }
}

/// One SM3 stream taken on its own thread, fed encoded bytes in blocks, so that the single
/// stream a digest is by specification (`docs/SAMPLING.md` §1) runs beside the work that
/// produces its input (parsing, reordering) instead of after it. The blocks go back to the
/// sender to be filled again: no block is allocated (and its pages faulted in) twice.
pub(crate) struct HashPipe {
    buf: Vec<u8>,
    full: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
    empty: std::sync::mpsc::Receiver<Vec<u8>>,
    /// Blocks made so far (at most [`PIPE_BLOCKS`]).
    made: usize,
    hasher: Option<std::thread::JoinHandle<Digest>>,
}

/// Bytes per block of a [`HashPipe`].
const PIPE_BLOCK: usize = 1 << 20;
/// Blocks in flight: the producer runs at most this far ahead of the hash.
const PIPE_BLOCKS: usize = 4;

impl HashPipe {
    /// Starts a digest with a label (as [`Encoder::new`]) and a count (as [`Encoder::u64`]).
    pub(crate) fn start(label: &str, count: u64) -> HashPipe {
        let (full, blocks) = std::sync::mpsc::sync_channel::<Vec<u8>>(PIPE_BLOCKS);
        let (back, empty) = std::sync::mpsc::sync_channel::<Vec<u8>>(PIPE_BLOCKS + 1);
        let mut head = Vec::new();
        push_count(&mut head, label.len());
        head.extend_from_slice(label.as_bytes());
        head.extend_from_slice(&count.to_be_bytes());
        let hasher = std::thread::spawn(move || {
            let mut h = Sm3::new();
            h.update(&head);
            for mut block in blocks {
                h.update(&block);
                block.clear();
                // The producer may be gone (the digest abandoned): the block is then dropped.
                let _ = back.try_send(block);
            }
            Digest(h.finalize().into())
        });
        HashPipe {
            buf: Vec::with_capacity(PIPE_BLOCK + (1 << 16)),
            full: Some(full),
            empty,
            made: 1,
            hasher: Some(hasher),
        }
    }

    /// Appends to the stream (whole entries at a time).
    pub(crate) fn append(&mut self, f: impl FnOnce(&mut Vec<u8>)) {
        f(&mut self.buf);
        if self.buf.len() >= PIPE_BLOCK {
            self.send();
        }
    }

    fn send(&mut self) {
        let next = match self.empty.try_recv() {
            Ok(b) => b,
            Err(_) if self.made < PIPE_BLOCKS + 1 => {
                self.made += 1;
                Vec::with_capacity(PIPE_BLOCK + (1 << 16))
            }
            // Every block is in flight: wait for the hash to give one back.
            Err(_) => self
                .empty
                .recv()
                .unwrap_or_else(|_| Vec::with_capacity(PIPE_BLOCK + (1 << 16))),
        };
        let block = std::mem::replace(&mut self.buf, next);
        if let Some(full) = &self.full {
            // Fails only if the hashing thread is gone, which `finish` then reports.
            let _ = full.send(block);
        }
    }

    /// The digest of everything appended.
    pub(crate) fn finish(mut self) -> Digest {
        if !self.buf.is_empty() {
            self.send();
        }
        drop(self.full.take());
        match self.hasher.take().map(std::thread::JoinHandle::join) {
            Some(Ok(d)) => d,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => Digest::ZERO,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sm3_matches_the_standard_example() {
        // GB/T 32905-2016, example 1: SM3("abc").
        assert_eq!(
            Digest::sm3(b"abc").to_hex(),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    #[test]
    fn encoder_is_length_prefixed() {
        let mut e = Encoder::new("x");
        e.str("ab");
        let mut raw = vec![0, 0, 0, 1, b'x', 0, 0, 0, 2, b'a', b'b'];
        assert_eq!(e.finish(), Digest::sm3(&raw));
        raw.push(0);
        assert_ne!(Digest::sm3(&raw), Digest::sm3(&raw[..raw.len() - 1]));
    }

    #[test]
    fn dates_and_numbers_encode_as_their_text() {
        let mut a = Encoder::new("x");
        a.date("2026-03-05".parse().unwrap());
        a.decimal(0);
        a.decimal(1_000_000);
        let mut b = Encoder::new("x");
        b.str("2026-03-05");
        b.str("0");
        b.str("1000000");
        assert_eq!(a.finish(), b.finish());
        // Long inputs cross the flush boundary without changing the digest.
        let mut c = Encoder::new("x");
        let text = "字".repeat(50_000);
        c.str(&text);
        let mut raw = vec![0, 0, 0, 1, b'x'];
        raw.extend((text.len() as u32).to_be_bytes());
        raw.extend(text.as_bytes());
        assert_eq!(c.finish(), Digest::sm3(&raw));
    }

    #[test]
    fn the_pipe_hashes_what_the_encoder_hashes() {
        let mut e = Encoder::new("label");
        e.u64(7);
        let mut p = HashPipe::start("label", 7);
        for i in 0..300_000u32 {
            let s = format!("entry {i}");
            e.str(&s);
            p.append(|buf| {
                push_count(buf, s.len());
                buf.extend_from_slice(s.as_bytes());
            });
        }
        assert_eq!(p.finish(), e.finish());
        // An abandoned pipe lets its thread end.
        let mut p = HashPipe::start("x", 1);
        p.append(|buf| buf.extend_from_slice(&[0; 3 << 20]));
        drop(p);
    }

    #[test]
    fn hex_round_trip_and_errors() {
        let d = Digest::sm3(b"abc");
        assert_eq!(d.to_hex().parse::<Digest>().unwrap(), d);
        assert!("abc".parse::<Digest>().is_err());
        assert!("zz".repeat(32).parse::<Digest>().is_err());
    }
}
