//! Opening whatever the user points at: a folder, a zip, a tar (plain or
//! gzipped), a gzipped or plain single-stream dump, or standard input.
//!
//! Inputs are recognised by their bytes, never by their names (a `.json`
//! stdout dump is not JSON; a `.zip` may be a tarball). The result is either
//! a [`Tree`] (the directory layout, with files in a folder or inside a zip)
//! or a [`StreamFile`] (one file holding the whole dump).
//!
//! The input is evidence: it is only ever opened for reading. Zip entries are
//! read in place. A tar or a gzip cannot be read at random, so it is unpacked
//! into a `tempfile` directory that is removed when the [`Input`] is dropped.
//! Unpacking never writes outside that directory: entries with `..`, absolute
//! paths, links and device files are refused and reported.

use super::Problem;
use crate::error::{Error, Result};
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tempfile::TempDir;

/// What the input was, as the user gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Container {
    Directory,
    Zip,
    Tar,
    TarGz,
    Gzip,
    File,
    Stdin,
}

/// Text encoding of a stream file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Encoding {
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "utf-8-bom")]
    Utf8Bom,
    #[serde(rename = "utf-16le")]
    Utf16Le,
    #[serde(rename = "utf-16be")]
    Utf16Be,
}

/// Limits on what an archive may expand to (issue 7): a zip or gzip bomb
/// must not fill the disk or the memory, and a million tiny entries must not
/// exhaust the inodes of the temporary folder. Each is a flag of `report`
/// and `inspect`, named in the problem or error that says it was hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes an archive (or standard input) may unpack to, all entries
    /// together (`--max-unpacked-bytes`).
    pub max_total_bytes: u64,
    /// Entries an archive may hold (`--max-entries`).
    pub max_entries: u64,
    /// How many times its own size an archive may expand to
    /// (`--max-ratio`), once past [`RATIO_FLOOR`]. Deflate and gzip cannot
    /// exceed about 1032:1 on one stream, and real dumps compress 5–50:1;
    /// only a bomb (overlapping zip entries, bzip2/zstd runs, nested
    /// members) goes beyond 1000:1.
    pub max_ratio: u64,
}

/// Any archive may unpack to this much whatever its ratio, so a small
/// archive of very repetitive logs is never refused.
pub const RATIO_FLOOR: u64 = 64 << 20;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // Big enough for the largest real dumps (tens of GiB of logs),
            // small enough to stop before a disk fills.
            max_total_bytes: 64 << 30,
            max_entries: 1_000_000,
            max_ratio: 1000,
        }
    }
}

impl Limits {
    /// The bytes an archive of `archive_len` bytes may unpack to, and the
    /// flag that sets that bound.
    pub fn cap(&self, archive_len: u64) -> (u64, &'static str) {
        let by_ratio = archive_len.saturating_mul(self.max_ratio).max(RATIO_FLOOR);
        if by_ratio < self.max_total_bytes {
            (by_ratio, "--max-ratio")
        } else {
            (self.max_total_bytes, "--max-unpacked-bytes")
        }
    }

    /// The message for an archive that went past [`Limits::cap`].
    fn over_cap(&self, archive_len: u64) -> String {
        let (cap, flag) = self.cap(archive_len);
        let why = if flag == "--max-ratio" {
            format!(
                "{} times the archive's {archive_len} bytes, as a zip or gzip bomb does",
                self.max_ratio
            )
        } else {
            "the most coroner unpacks".to_string()
        };
        format!(
            "expands past {cap} bytes ({why}); the rest is not read (raise {flag} if the input is trusted)"
        )
    }
}

pub struct Input {
    pub container: Container,
    pub layout: Layout,
    /// The archive or stream file itself, hashed as given (`None` for a folder).
    pub container_file: Option<PathBuf>,
    /// Where the dump root sits inside the input (`""` when at the top).
    pub root_prefix: String,
    pub problems: Vec<Problem>,
    /// Holds unpacked or decoded files; removed on drop.
    pub _temp: Option<Temp>,
}

pub enum Layout {
    Tree(Tree),
    Stream(StreamFile),
}

pub struct StreamFile {
    /// The file to read (the original, or a decoded copy in the temp dir).
    pub path: PathBuf,
    /// Name used in evidence and problems.
    pub name: String,
    pub encoding: Encoding,
    /// Bytes to skip at the start (a UTF-8 BOM).
    pub skip: u64,
}

/// The files of a directory-layout dump, relative to the dump root.
pub struct Tree {
    backend: Backend,
    pub files: Vec<TreeFile>,
}

#[derive(Debug, Clone)]
pub struct TreeFile {
    /// Path relative to the dump root, with `/` separators.
    pub rel: String,
    pub size: u64,
    /// Modification time, seconds since the epoch (if known).
    pub mtime: Option<i64>,
    /// Unix permission bits, if known.
    pub mode: Option<u32>,
    key: FileKey,
}

#[derive(Debug, Clone)]
enum FileKey {
    Path(PathBuf),
    Zip(usize),
}

enum Backend {
    Dir,
    Zip(zip::ZipArchive<SharedFile>),
}

impl Tree {
    /// Runs `f` with a reader over one file's bytes.
    pub fn with_reader<T>(
        &self,
        file: &TreeFile,
        f: impl FnOnce(&mut dyn Read) -> io::Result<T>,
    ) -> io::Result<T> {
        match (&self.backend, &file.key) {
            (Backend::Dir, FileKey::Path(p)) => {
                let mut r = File::open(p)?;
                f(&mut r)
            }
            (Backend::Zip(archive), FileKey::Zip(i)) => {
                // A clone shares the parsed central directory; each thread
                // reads through its own positioned handle.
                let mut archive = archive.clone();
                let mut entry = archive.by_index(*i).map_err(zip_io)?;
                f(&mut entry)
            }
            _ => Err(io::Error::other("file key does not match its tree")),
        }
    }

    /// Runs `f` with a reader positioned at `offset` of a file: a seek for
    /// files in a folder, a skip for zip entries (which cannot seek).
    pub fn with_reader_at<T>(
        &self,
        file: &TreeFile,
        offset: u64,
        f: impl FnOnce(&mut dyn Read) -> io::Result<T>,
    ) -> io::Result<T> {
        match (&self.backend, &file.key) {
            (Backend::Dir, FileKey::Path(p)) => {
                let mut r = File::open(p)?;
                r.seek(SeekFrom::Start(offset))?;
                f(&mut BufReader::with_capacity(1 << 16, r))
            }
            _ => self.with_reader(file, |r| {
                io::copy(&mut r.take(offset), &mut io::sink())?;
                f(r)
            }),
        }
    }

    /// Reads `len` bytes at `offset` of a file (a log body, for excerpts).
    pub fn read_range(&self, file: &TreeFile, offset: u64, len: u64) -> io::Result<Vec<u8>> {
        match (&self.backend, &file.key) {
            (Backend::Dir, FileKey::Path(p)) => {
                let mut f = File::open(p)?;
                f.seek(SeekFrom::Start(offset))?;
                let mut out = Vec::new();
                f.take(len).read_to_end(&mut out)?;
                Ok(out)
            }
            _ => self.with_reader(file, |r| {
                io::copy(&mut r.take(offset), &mut io::sink())?;
                let mut out = Vec::new();
                r.take(len).read_to_end(&mut out)?;
                Ok(out)
            }),
        }
    }

    pub fn file(&self, rel: &str) -> Option<&TreeFile> {
        self.files
            .binary_search_by(|f| f.rel.as_str().cmp(rel))
            .ok()
            .map(|i| &self.files[i])
    }
}

fn zip_io(e: zip::result::ZipError) -> io::Error {
    match e {
        zip::result::ZipError::Io(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

/// A file handle that reads at its own position with `pread`, so clones
/// can be used from several threads at once.
#[derive(Clone)]
pub struct SharedFile {
    file: Arc<File>,
    pos: u64,
    len: u64,
}

impl Read for SharedFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let n = self.file.read_at(buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for SharedFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let new = match to {
            SeekFrom::Start(p) => p as i128,
            SeekFrom::End(d) => self.len as i128 + d as i128,
            SeekFrom::Current(d) => self.pos as i128 + d as i128,
        };
        if new < 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before start",
            ));
        }
        self.pos = new as u64;
        Ok(self.pos)
    }
}

// ------------------------------------------------------------ sniffing

#[derive(Debug, PartialEq, Eq)]
enum Magic {
    Zip,
    Gzip,
    Tar,
    OtherCompression(&'static str),
    Text,
}

fn sniff(head: &[u8]) -> Magic {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        Magic::Zip
    } else if head.starts_with(&[0x1f, 0x8b]) {
        Magic::Gzip
    } else if (head.len() >= 262 && &head[257..262] == b"ustar") || is_v7_tar_header(head) {
        Magic::Tar
    } else if head.starts_with(b"BZh") {
        Magic::OtherCompression("bzip2")
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        Magic::OtherCompression("xz")
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Magic::OtherCompression("zstd")
    } else if head.starts_with(b"7z\xbc\xaf\x27\x1c") {
        Magic::OtherCompression("7z")
    } else {
        Magic::Text
    }
}

/// A pre-POSIX (V7) tar has no `ustar` magic; its first header is still
/// recognisable by its checksum (the sum of the header's bytes with the
/// checksum field read as spaces), written in octal at offset 148.
fn is_v7_tar_header(head: &[u8]) -> bool {
    if head.len() < 512 || head[0] == 0 {
        return false;
    }
    let field = &head[148..156];
    let digits: String = field
        .iter()
        .map(|b| *b as char)
        .skip_while(|c| *c == ' ')
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let Ok(stored) = u32::from_str_radix(&digits, 8) else {
        return false;
    };
    let sum: u32 = head[..512]
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if (148..156).contains(&i) {
                b' ' as u32
            } else {
                *b as u32
            }
        })
        .sum();
    !digits.is_empty() && stored == sum
}

fn read_head(path: &Path) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(512);
    File::open(path)?.take(512).read_to_end(&mut head)?;
    Ok(head)
}

/// Opens `path` (or standard input for `-`).
pub fn open(path: &Path, limits: Limits) -> Result<Input> {
    if path.as_os_str() == "-" {
        let temp = new_temp()?;
        let spooled = temp.path().join("stdin");
        let mut out = File::create(&spooled).map_err(|e| Error::io("temporary file", e))?;
        // Spooled to disk (a stream is read with random access), so bounded
        // like an archive: `… | coroner inspect -` must not fill the disk.
        let limit = limits.max_total_bytes;
        let n = io::copy(&mut io::stdin().lock().take(limit), &mut out)
            .map_err(|e| Error::io("standard input", e))?;
        drop(out);
        let mut over = None;
        if n == limit && io::stdin().lock().read(&mut [0u8; 1]).unwrap_or(0) > 0 {
            over = Some(Problem::file(
                "stdin",
                format!(
                    "standard input is longer than {limit} bytes; the rest is not read (raise --max-unpacked-bytes)"
                ),
            ));
        }
        let mut input = open_file(&spooled, "stdin", Some(temp), limits)?;
        input.problems.extend(over);
        input.container = match input.container {
            Container::File => Container::Stdin,
            other => other,
        };
        return Ok(input);
    }
    let meta = std::fs::metadata(path).map_err(|e| Error::io(&path.display().to_string(), e))?;
    if meta.is_dir() {
        let mut problems = Vec::new();
        let files = walk_dir(path, &mut problems);
        let (tree, prefix) = tree_from_listing(Backend::Dir, files, path, &mut problems)?;
        return Ok(match tree {
            TreeOrSingle::Tree(tree) => Input {
                container: Container::Directory,
                layout: Layout::Tree(tree),
                container_file: None,
                root_prefix: prefix,
                problems,
                _temp: None,
            },
            TreeOrSingle::Single(FileKey::Path(file)) => {
                let mut input = open_file(&file, &file_name(&file), None, limits)?;
                input.problems.extend(problems);
                input
            }
            TreeOrSingle::Single(FileKey::Zip(_)) => unreachable!("folders list paths"),
        });
    }
    let name = file_name(path);
    open_file(path, &name, None, limits)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

fn new_temp() -> Result<Temp> {
    let dir = tempfile::Builder::new()
        .prefix("coroner-")
        .tempdir()
        .map_err(|e| Error::io("temporary directory", e))?;
    register_temporary(dir.path());
    Ok(Temp(Some(dir)))
}

// ------------------------------------------------------------ temporaries

/// A temporary directory that is removed when dropped, like the
/// `TempDir` it holds, and also when a signal ends the process: it is in
/// the registry [`remove_temporaries`] empties from the signal handler.
pub struct Temp(Option<TempDir>);

impl Temp {
    pub fn path(&self) -> &Path {
        self.0.as_ref().expect("present until drop").path()
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            let path = dir.path().to_path_buf();
            // Removed before it leaves the registry, so a signal arriving
            // in between still finds it.
            let _ = dir.close();
            unregister_temporary(&path);
        }
    }
}

/// Paths of the temporary files and folders alive now.
static LIVE: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
/// Set once a signal asked the process to stop: unpacking creates no
/// more files, so nothing appears after the handler removed the folder.
static STOPPING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Adds a temporary file or folder to the ones removed on a signal.
pub fn register_temporary(path: &Path) {
    live().push(path.to_path_buf());
}

/// Takes a path out of the registry once it has been removed or renamed
/// into place.
pub fn unregister_temporary(path: &Path) {
    live().retain(|p| p != path);
}

fn stopping() -> bool {
    STOPPING.load(std::sync::atomic::Ordering::SeqCst)
}

/// Removes every registered temporary file and folder. Meant for the
/// SIGINT/SIGTERM handler, which exits right after: the destructors that
/// normally remove them never run on a signal.
pub fn remove_temporaries() {
    STOPPING.store(true, std::sync::atomic::Ordering::SeqCst);
    let paths = live().clone();
    // An unpacking thread may be between its check of STOPPING and the
    // creation of a file; a few passes a moment apart catch what it made.
    for pass in 0..5 {
        let mut left = false;
        for p in &paths {
            let gone = match std::fs::symlink_metadata(p) {
                Ok(m) if m.is_dir() => std::fs::remove_dir_all(p).is_ok(),
                Ok(_) => std::fs::remove_file(p).is_ok(),
                Err(_) => true,
            };
            left |= !gone || p.exists();
        }
        if !left && pass > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn open_file(path: &Path, name: &str, temp: Option<Temp>, limits: Limits) -> Result<Input> {
    let head = read_head(path).map_err(|e| Error::io(name, e))?;
    match sniff(&head) {
        Magic::Zip => open_zip(path, name, temp, limits),
        Magic::Tar => {
            let temp = match temp {
                Some(t) => t,
                None => new_temp()?,
            };
            let f = File::open(path).map_err(|e| Error::io(name, e))?;
            let mut input = open_tar(BufReader::new(f), name, temp, limits, file_len(path))?;
            input.container = Container::Tar;
            input.container_file = Some(path.to_path_buf());
            Ok(input)
        }
        Magic::Gzip => {
            let temp = match temp {
                Some(t) => t,
                None => new_temp()?,
            };
            // Peek at the decompressed head to tell a tarball from a stream.
            let f = File::open(path).map_err(|e| Error::io(name, e))?;
            let mut dec = flate2::read::MultiGzDecoder::new(BufReader::new(f));
            let mut inner_head = Vec::with_capacity(512);
            (&mut dec)
                .take(512)
                .read_to_end(&mut inner_head)
                .map_err(|e| Error::Input(format!("{name}: broken gzip data: {e}")))?;
            let f = File::open(path).map_err(|e| Error::io(name, e))?;
            let dec = flate2::read::MultiGzDecoder::new(BufReader::new(f));
            if sniff(&inner_head) == Magic::Tar {
                let mut input = open_tar(dec, name, temp, limits, file_len(path))?;
                input.container = Container::TarGz;
                input.container_file = Some(path.to_path_buf());
                Ok(input)
            } else {
                let out_name = name
                    .strip_suffix(".gz")
                    .unwrap_or(name)
                    .to_string();
                let out = temp.path().join("stream");
                let mut problems = Vec::new();
                let archive_len = file_len(path);
                match copy_limited(dec, &out, limits.cap(archive_len).0) {
                    Ok(Copied::All) => {}
                    Ok(Copied::Capped) => {
                        problems.push(Problem::file(name, limits.over_cap(archive_len)))
                    }
                    Err(e) => problems.push(Problem::file(
                        name,
                        format!("the gzip stream is damaged; what was before the damage is read: {e}"),
                    )),
                }
                let mut input = open_stream(&out, &out_name, Some(temp))?;
                input.container = Container::Gzip;
                input.container_file = Some(path.to_path_buf());
                input.problems.extend(problems);
                Ok(input)
            }
        }
        Magic::OtherCompression(kind) => Err(Error::Input(format!(
            "{name} is {kind}-compressed; decompress it first (coroner reads folders, zip, tar, tar.gz and gzip)"
        ))),
        Magic::Text => {
            let mut input = open_stream(path, name, temp)?;
            input.container_file = Some(path.to_path_buf());
            Ok(input)
        }
    }
}

enum Copied {
    All,
    /// The limit was reached with more to come; the file holds `limit` bytes.
    Capped,
}

/// Copies at most `limit` bytes of `r` into a new file at `out`.
fn copy_limited(mut r: impl Read, out: &Path, limit: u64) -> io::Result<Copied> {
    let mut f = File::create(out)?;
    let n = io::copy(&mut (&mut r).take(limit), &mut f)?;
    f.flush()?;
    if n == limit && r.read(&mut [0u8; 1])? > 0 {
        return Ok(Copied::Capped);
    }
    Ok(Copied::All)
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// A single-stream dump: detect its encoding, and decode UTF-16 (Windows
/// PowerShell's `>` writes UTF-16LE with a BOM) into a UTF-8 copy.
fn open_stream(path: &Path, name: &str, temp: Option<Temp>) -> Result<Input> {
    let head = read_head(path).map_err(|e| Error::io(name, e))?;
    let encoding = detect_encoding(&head);
    let (stream_path, temp, skip) = match encoding {
        Encoding::Utf8 => (path.to_path_buf(), temp, 0),
        Encoding::Utf8Bom => (path.to_path_buf(), temp, 3),
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let temp = match temp {
                Some(t) => t,
                None => new_temp()?,
            };
            let out = temp.path().join("decoded-utf8");
            decode_utf16_file(path, &out, encoding == Encoding::Utf16Be)
                .map_err(|e| Error::io(name, e))?;
            (out, Some(temp), 0)
        }
    };
    Ok(Input {
        container: Container::File,
        layout: Layout::Stream(StreamFile {
            path: stream_path,
            name: name.to_string(),
            encoding,
            skip,
        }),
        container_file: None,
        root_prefix: String::new(),
        problems: Vec::new(),
        _temp: temp,
    })
}

pub fn detect_encoding(head: &[u8]) -> Encoding {
    if head.starts_with(&[0xef, 0xbb, 0xbf]) {
        Encoding::Utf8Bom
    } else if head.starts_with(&[0xff, 0xfe]) {
        Encoding::Utf16Le
    } else if head.starts_with(&[0xfe, 0xff]) {
        Encoding::Utf16Be
    } else if head.len() >= 4 && head[0].is_ascii() && head[0] != 0 && head[1] == 0 && head[3] == 0
    {
        // UTF-16LE without a BOM: ASCII text with every other byte zero.
        Encoding::Utf16Le
    } else if head.len() >= 4 && head[0] == 0 && head[1].is_ascii() && head[1] != 0 && head[2] == 0
    {
        Encoding::Utf16Be
    } else {
        Encoding::Utf8
    }
}

/// Streams UTF-16 to UTF-8, with U+FFFD for unpaired surrogates.
fn decode_utf16_file(src: &Path, dst: &Path, big_endian: bool) -> io::Result<()> {
    let mut r = BufReader::with_capacity(1 << 20, File::open(src)?);
    let mut w = io::BufWriter::with_capacity(1 << 20, File::create(dst)?);
    let mut buf = vec![0u8; 1 << 20];
    let mut carry: Option<u8> = None;
    let mut units = Vec::with_capacity(buf.len() / 2 + 1);
    let mut first = true;
    let mut pending_high: Option<u16> = None;
    let mut out = String::with_capacity(buf.len());
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        units.clear();
        let mut bytes = &buf[..n];
        let mut joined = [0u8; 2];
        if let Some(c) = carry.take() {
            joined[0] = c;
            joined[1] = bytes[0];
            units.push(unit(joined, big_endian));
            bytes = &bytes[1..];
        }
        let mut chunks = bytes.chunks_exact(2);
        for c in &mut chunks {
            units.push(unit([c[0], c[1]], big_endian));
        }
        if let [last] = chunks.remainder() {
            carry = Some(*last);
        }
        if first {
            if units.first() == Some(&0xfeff) {
                units.remove(0);
            }
            first = false;
        }
        // A surrogate pair may straddle two reads.
        if let Some(h) = pending_high.take() {
            units.insert(0, h);
        }
        if let Some(&last) = units.last() {
            if (0xd800..0xdc00).contains(&last) {
                pending_high = units.pop();
            }
        }
        out.clear();
        out.extend(char::decode_utf16(units.iter().copied()).map(|c| c.unwrap_or('\u{fffd}')));
        w.write_all(out.as_bytes())?;
    }
    if pending_high.is_some() || carry.is_some() {
        w.write_all("\u{fffd}".as_bytes())?;
    }
    w.flush()
}

fn unit(b: [u8; 2], big_endian: bool) -> u16 {
    if big_endian {
        u16::from_be_bytes(b)
    } else {
        u16::from_le_bytes(b)
    }
}

// ------------------------------------------------------------ listings

struct Listed {
    rel: String,
    size: u64,
    mtime: Option<i64>,
    mode: Option<u32>,
    key: FileKey,
}

/// Files and folders archive tools add that are never part of a dump.
fn is_noise(rel: &str) -> bool {
    rel.split('/').any(|part| {
        part == "__MACOSX" || part == ".DS_Store" || part.starts_with("._") || part == "Thumbs.db"
    })
}

/// Normalises an archive entry name: `\` to `/`, no `./` prefix. Returns
/// `None` for names that would escape the archive (`..`, absolute, drive).
pub fn normalize_entry_name(raw: &str) -> Option<String> {
    let name = raw.replace('\\', "/");
    if name.starts_with('/') || name.as_bytes().get(1) == Some(&b':') {
        return None;
    }
    let mut parts = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

fn walk_dir(root: &Path, problems: &mut Vec<Problem>) -> Vec<Listed> {
    let (files, found) = walk_folder(root.to_path_buf(), String::new(), 0);
    problems.extend(found);
    files
}

type Walked = (Vec<Listed>, Vec<Problem>);

/// Lists a folder tree. The first levels (the dump, its namespaces: a
/// folder per pod below them) are listed in parallel with rayon: listing
/// pod folders one by one (a `getdents` and a `statx` per entry) was ~4% of
/// a report's time with the other core idle. Deeper levels are walked with
/// a stack, not recursion, so a hostile tree cannot exhaust the stack. The
/// order of the result is fixed (a folder's own entries by name, then its
/// subfolders, the last name first, each with everything below it), so
/// problems come out the same on every run.
fn walk_folder(dir: PathBuf, rel: String, depth: usize) -> Walked {
    use rayon::prelude::*;
    const PARALLEL_LEVELS: usize = 2;
    let mut out: Walked = (Vec::new(), Vec::new());
    let subdirs = list_folder(&dir, &rel, &mut out);
    let below: Vec<Walked> = if depth < PARALLEL_LEVELS {
        subdirs
            .into_par_iter()
            .rev()
            .map(|(path, rel)| walk_folder(path, rel, depth + 1))
            .collect()
    } else {
        let mut walked: Walked = (Vec::new(), Vec::new());
        let mut stack = subdirs;
        while let Some((dir, rel)) = stack.pop() {
            stack.extend(list_folder(&dir, &rel, &mut walked));
        }
        vec![walked]
    };
    for (f, p) in below {
        out.0.extend(f);
        out.1.extend(p);
    }
    out
}

/// Lists one folder's entries by name into `out` (files, and problems for
/// what is not read); returns its subfolders.
fn list_folder(dir: &Path, rel: &str, out: &mut Walked) -> Vec<(PathBuf, String)> {
    let (files, problems) = out;
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push(Problem::file(rel, format!("cannot list folder: {e}")));
            return Vec::new();
        }
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    let mut subdirs = Vec::new();
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let child_rel = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if is_noise(&child_rel) {
            continue;
        }
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            subdirs.push((e.path(), child_rel));
        } else if ft.is_file() {
            let meta = e.metadata().ok();
            use std::os::unix::fs::MetadataExt;
            files.push(Listed {
                rel: child_rel,
                size: meta.as_ref().map(|m| m.len()).unwrap_or(0),
                mtime: meta.as_ref().map(|m| m.mtime()),
                mode: meta.as_ref().map(|m| m.mode() & 0o7777),
                key: FileKey::Path(e.path()),
            });
        } else if ft.is_symlink() {
            problems.push(Problem::file(
                &child_rel,
                "symbolic link not followed (a dump holds none)".to_string(),
            ));
        } else {
            // A FIFO would block the read forever, a device could be
            // anything: kubectl writes neither, so they are not opened.
            problems.push(Problem::file(
                &child_rel,
                "not a regular file (a FIFO, socket or device); not read".to_string(),
            ));
        }
    }
    subdirs
}

enum TreeOrSingle {
    Tree(Tree),
    /// No dump folder, but exactly one file: a stream dump.
    Single(FileKey),
}

/// Picks the dump root in a listing: the shallowest folder holding
/// `nodes.json|yaml|txt`. Without one, a listing of exactly one file is a
/// stream dump (a zip holding `dump.txt`).
fn tree_from_listing(
    backend: Backend,
    files: Vec<Listed>,
    shown: &Path,
    problems: &mut Vec<Problem>,
) -> Result<(TreeOrSingle, String)> {
    let is_nodes = |rel: &str| {
        let base = rel.rsplit('/').next().unwrap_or(rel);
        matches!(base, "nodes.json" | "nodes.yaml" | "nodes.txt")
    };
    let mut roots: Vec<&str> = files
        .iter()
        .filter(|f| is_nodes(&f.rel))
        .map(|f| f.rel.rsplit_once('/').map(|(d, _)| d).unwrap_or(""))
        .collect();
    roots.sort_by_key(|d| {
        (
            if d.is_empty() {
                0
            } else {
                d.matches('/').count() + 1
            },
            *d,
        )
    });
    roots.dedup();
    let Some(root) = roots.first().map(|s| s.to_string()) else {
        if files.len() == 1 {
            let only = files.into_iter().next().expect("one file");
            return Ok((TreeOrSingle::Single(only.key), String::new()));
        }
        return Err(Error::NotADump(format!(
            "{}: no nodes.json, nodes.yaml or nodes.txt found in {} files; expected the output of \
             `kubectl cluster-info dump --output-directory=DIR` (a folder with nodes.json and one \
             folder per namespace), a single-file stdout dump, or an archive of either",
            shown.display(),
            files.len()
        )));
    };
    for other in roots.iter().skip(1) {
        let depth = |d: &str| {
            if d.is_empty() {
                0
            } else {
                d.matches('/').count() + 1
            }
        };
        if depth(other) == depth(&root) {
            problems.push(Problem::file(
                other,
                format!("another dump at the same depth; only `{root}` is read"),
            ));
        }
    }
    let prefix = if root.is_empty() {
        String::new()
    } else {
        format!("{root}/")
    };
    let mut tree_files: Vec<TreeFile> = files
        .into_iter()
        .filter_map(|f| {
            let rel = f.rel.strip_prefix(&prefix)?.to_string();
            Some(TreeFile {
                rel,
                size: f.size,
                mtime: f.mtime,
                mode: f.mode,
                key: f.key,
            })
        })
        .collect();
    tree_files.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok((
        TreeOrSingle::Tree(Tree {
            backend,
            files: tree_files,
        }),
        root,
    ))
}

fn open_zip(path: &Path, name: &str, temp: Option<Temp>, limits: Limits) -> Result<Input> {
    let file = File::open(path).map_err(|e| Error::io(name, e))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let shared = SharedFile {
        file: Arc::new(file),
        pos: 0,
        len,
    };
    let mut archive = match zip::ZipArchive::new(shared) {
        Ok(a) => a,
        Err(e) => {
            // No readable central directory. If the file starts with an
            // entry, it is most likely cut (an interrupted download or
            // copy): the entries before the cut are still in order.
            let head = read_head(path).map_err(|e| Error::io(name, e))?;
            if head.starts_with(b"PK\x03\x04") {
                return recover_zip(path, name, temp, limits, &e.to_string());
            }
            return Err(Error::Input(format!(
                "{name}: not a readable zip archive: {e}"
            )));
        }
    };
    let mut problems = Vec::new();
    let mut files = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut total = 0u64;
    let (cap, _) = limits.cap(len);
    let mut over_cap = false;
    for i in 0..archive.len() {
        let entry = match archive.by_index_raw(i) {
            Ok(e) => e,
            Err(e) => {
                problems.push(Problem::file(
                    name,
                    format!("zip entry {i} unreadable: {e}"),
                ));
                continue;
            }
        };
        let raw = entry.name().to_string();
        if entry.is_dir() {
            continue;
        }
        let Some(rel) = normalize_entry_name(&raw) else {
            problems.push(Problem::file(
                &raw,
                "zip entry with an unsafe path (absolute or `..`) skipped".to_string(),
            ));
            continue;
        };
        if is_noise(&rel) {
            continue;
        }
        if entry.encrypted() {
            problems.push(Problem::file(
                &rel,
                "zip entry is password-protected and cannot be read".to_string(),
            ));
            continue;
        }
        if let Some(mode) = entry.unix_mode() {
            if mode & 0o170000 == 0o120000 {
                problems.push(Problem::file(
                    &rel,
                    "symbolic link in zip skipped".to_string(),
                ));
                continue;
            }
        }
        if !seen.insert(rel.clone()) {
            problems.push(Problem::file(
                &rel,
                "duplicate zip entry; the first one is read".to_string(),
            ));
            continue;
        }
        let mtime = entry
            .last_modified()
            .and_then(|t| {
                jiff::civil::DateTime::new(
                    t.year() as i16,
                    t.month() as i8,
                    t.day() as i8,
                    t.hour() as i8,
                    t.minute() as i8,
                    t.second() as i8,
                    0,
                )
                .ok()
            })
            .and_then(|dt| dt.to_zoned(jiff::tz::TimeZone::UTC).ok())
            .map(|z| z.timestamp().as_second());
        // Limits (issue 7): the declared sizes are checked up front; entries
        // are also read with bounds, since a header can lie. One entry
        // that expands absurdly (a bzip2 or zstd bomb) is skipped alone.
        if entry.size() > RATIO_FLOOR
            && entry.size() / entry.compressed_size().max(1) > limits.max_ratio
        {
            problems.push(Problem::file(
                &rel,
                format!(
                    "zip entry expands {} times (more than --max-ratio {}), as a zip bomb does; skipped",
                    entry.size() / entry.compressed_size().max(1),
                    limits.max_ratio
                ),
            ));
            continue;
        }
        if files.len() as u64 >= limits.max_entries {
            problems.push(Problem::file(
                name,
                format!(
                    "archive holds more than {} entries; the rest is not read (raise --max-entries)",
                    limits.max_entries
                ),
            ));
            break;
        }
        total = total.saturating_add(entry.size());
        if total > cap {
            // Overlapping entries share their compressed bytes, so only
            // the sum tells a bomb of that kind.
            problems.push(Problem::file(name, limits.over_cap(len)));
            over_cap = true;
            break;
        }
        files.push(Listed {
            rel,
            size: entry.size(),
            mtime,
            mode: entry.unix_mode().map(|m| m & 0o7777),
            key: FileKey::Zip(i),
        });
    }
    let listing = tree_from_listing(
        Backend::Zip(archive.clone()),
        files,
        Path::new(name),
        &mut problems,
    )
    .map_err(|e| limit_error(e, over_cap.then(|| limits.over_cap(len))))?;
    let (tree, prefix) = match listing {
        (TreeOrSingle::Tree(t), p) => (t, p),
        (TreeOrSingle::Single(key), _) => {
            // A zip holding one stream dump: unpack that file, since a
            // stream is read with random access.
            let FileKey::Zip(i) = key else {
                unreachable!("zip listings hold zip keys")
            };
            let temp = match temp {
                Some(t) => t,
                None => new_temp()?,
            };
            let out = temp.path().join("stream");
            let mut entry = archive
                .by_index(i)
                .map_err(|e| Error::Input(format!("{name}: {e}")))?;
            let inner_name = normalize_entry_name(entry.name()).unwrap_or_default();
            match copy_limited(&mut entry, &out, cap) {
                Ok(Copied::All) => {}
                Ok(Copied::Capped) => {
                    problems.push(Problem::file(&inner_name, limits.over_cap(len)))
                }
                Err(e) => {
                    problems.push(Problem::file(&inner_name, format!("entry cut short: {e}")))
                }
            }
            drop(entry);
            let mut input = open_stream(&out, &inner_name, Some(temp))?;
            input.container = Container::Zip;
            input.container_file = Some(path.to_path_buf());
            input.problems.extend(problems);
            return Ok(input);
        }
    };
    Ok(Input {
        container: Container::Zip,
        layout: Layout::Tree(tree),
        container_file: Some(path.to_path_buf()),
        root_prefix: prefix,
        problems,
        _temp: temp,
    })
}

/// When a limit stopped the reading before any dump was found, the error
/// says so (and names the flag), rather than "not a dump".
fn limit_error(e: Error, limit: Option<String>) -> Error {
    match (e, limit) {
        (Error::NotADump(m), Some(limit)) => Error::Input(format!(
            "{m}; the archive was not read to its end: it {limit}"
        )),
        (e, _) => e,
    }
}

/// A zip without its central directory (cut before its end): the entries
/// are read one after another from their local headers, as a streaming
/// unzip does, and unpacked into the temporary folder with the checks and
/// limits of a tar. Entries written with a data descriptor (sizes after
/// the data, by streaming zippers) cannot be delimited this way; reading
/// stops there.
fn recover_zip(
    path: &Path,
    name: &str,
    temp: Option<Temp>,
    limits: Limits,
    why: &str,
) -> Result<Input> {
    let temp = match temp {
        Some(t) => t,
        None => new_temp()?,
    };
    let f = File::open(path).map_err(|e| Error::io(name, e))?;
    let mut r = BufReader::with_capacity(1 << 16, f);
    let mut u = Unpacker::new(name, &temp, limits, file_len(path))?;
    let mut ended = "its last complete entry".to_string();
    loop {
        if u.stop {
            break;
        }
        let mut entry = match zip::read::read_zipfile_from_stream(&mut r) {
            Ok(Some(e)) => e,
            // The start of a central directory: the cut came after it.
            Ok(None) => break,
            Err(e) => {
                if !matches!(&e, zip::result::ZipError::Io(io) if io.kind() == io::ErrorKind::UnexpectedEof)
                {
                    ended = format!("entry {} ({e})", u.count + 1);
                }
                break;
            }
        };
        if !u.count_entry() {
            break;
        }
        let raw = entry.name().to_string();
        if entry.is_dir() {
            continue;
        }
        let Some(rel) = u.safe_name(&raw, "zip") else {
            continue;
        };
        let declared = entry.size();
        u.write(&rel, &mut entry, declared);
    }
    u.problems.push(Problem::file(
        name,
        format!(
            "the zip has no central directory ({why}): it was cut, e.g. by an interrupted download; \
             {} entries recovered whole from their local headers, up to {ended}",
            u.complete
        ),
    ));
    let recovered = u.complete;
    let mut input = u.finish(temp).map_err(|e| match e {
        Error::NotADump(m) => Error::Input(format!(
            "{m}; the zip is cut before its central directory and only its first {recovered} \
             entries could be recovered"
        )),
        e => e,
    })?;
    input.container = Container::Zip;
    input.container_file = Some(path.to_path_buf());
    Ok(input)
}

/// Unpacks archive entries into `unpacked/` of a temporary folder, with
/// the same checks for every archive kind: no escaping names, no
/// duplicates, the entry and size limits, nothing created once a signal
/// asked the process to stop.
struct Unpacker<'a> {
    name: &'a str,
    dest: PathBuf,
    limits: Limits,
    archive_len: u64,
    cap: u64,
    total: u64,
    count: u64,
    /// Files written whole.
    complete: u64,
    problems: Vec<Problem>,
    /// Set when reading must end (a limit, a write error, a signal).
    stop: bool,
    /// The limit that ended the reading, if one did.
    limit_hit: Option<String>,
}

impl<'a> Unpacker<'a> {
    fn new(name: &'a str, temp: &Temp, limits: Limits, archive_len: u64) -> Result<Self> {
        let dest = temp.path().join("unpacked");
        std::fs::create_dir_all(&dest).map_err(|e| Error::io("temporary directory", e))?;
        Ok(Unpacker {
            name,
            dest,
            limits,
            archive_len,
            cap: limits.cap(archive_len).0,
            total: 0,
            count: 0,
            complete: 0,
            problems: Vec::new(),
            stop: false,
            limit_hit: None,
        })
    }

    /// Counts one more entry; false (and a problem) past `--max-entries`.
    fn count_entry(&mut self) -> bool {
        self.count += 1;
        if self.count > self.limits.max_entries {
            let msg = format!(
                "holds more than {} entries; the rest is not read (raise --max-entries)",
                self.limits.max_entries
            );
            self.problems
                .push(Problem::file(self.name, format!("archive {msg}")));
            self.limit_hit = Some(msg);
            self.stop = true;
            return false;
        }
        true
    }

    /// The entry's path relative to the archive root, or `None` for one
    /// that is skipped: unsafe (reported) or archive-tool noise.
    fn safe_name(&mut self, raw: &str, kind: &str) -> Option<String> {
        let Some(rel) = normalize_entry_name(raw) else {
            self.problems.push(Problem::file(
                raw,
                format!("{kind} entry with an unsafe path (absolute or `..`) skipped"),
            ));
            return None;
        };
        (!rel.is_empty() && !is_noise(&rel)).then_some(rel)
    }

    /// Writes one regular file of `declared` bytes from `r`. Returns the
    /// path written, if any; sets `stop` when nothing more can be read.
    fn write(&mut self, rel: &str, r: &mut dyn Read, declared: u64) -> Option<PathBuf> {
        if stopping() {
            self.stop = true;
            return None;
        }
        if self.total.saturating_add(declared) > self.cap {
            let msg = self.limits.over_cap(self.archive_len);
            self.problems
                .push(Problem::file(rel, format!("archive {msg}")));
            self.limit_hit = Some(msg);
            self.stop = true;
            return None;
        }
        let out = self.dest.join(rel);
        // A file where a folder is needed, or the reverse, is a duplicate
        // too (`a` then `a/b`): the first one wins.
        if std::fs::symlink_metadata(&out).is_ok() {
            self.problems.push(Problem::file(
                rel,
                "duplicate entry; the first one is read".into(),
            ));
            return None;
        }
        if let Some(parent) = out.parent() {
            if let Err(e) = std::fs::create_dir_all(parent) {
                self.problems
                    .push(Problem::file(rel, format!("cannot unpack: {e}")));
                return None;
            }
        }
        // `take`: a header that understates its data gets no more room.
        let written = File::create(&out).and_then(|mut f| io::copy(&mut r.take(declared), &mut f));
        match written {
            Ok(n) => {
                self.total += n;
                if n < declared {
                    self.problems.push(Problem::file(
                        rel,
                        format!("entry cut short: {n} of {declared} bytes"),
                    ));
                } else {
                    self.complete += 1;
                }
                Some(out)
            }
            Err(e) => {
                self.problems.push(Problem::file(
                    rel,
                    format!("entry cut short or unreadable: {e}"),
                ));
                self.stop = true;
                // What was written before the damage is kept, as for a
                // cut list file in a folder.
                out.exists().then_some(out)
            }
        }
    }

    /// Finds the dump in what was unpacked.
    fn finish(mut self, temp: Temp) -> Result<Input> {
        let files = walk_dir(&self.dest, &mut self.problems);
        let (tree, prefix) = tree_from_listing(
            Backend::Dir,
            files,
            Path::new(self.name),
            &mut self.problems,
        )
        .map_err(|e| limit_error(e, self.limit_hit.clone()))?;
        let layout = match tree {
            TreeOrSingle::Tree(t) => Layout::Tree(t),
            TreeOrSingle::Single(key) => {
                let FileKey::Path(p) = key else {
                    unreachable!("unpacked listings hold paths")
                };
                // One file is a stream dump only if it was the whole
                // archive; a limit may have stopped before the dump.
                if let Some(limit) = self.limit_hit {
                    return Err(Error::Input(format!(
                        "{}: no dump found before the archive was cut off: it {limit}",
                        self.name
                    )));
                }
                let inner = open_stream(&p, &file_name(&p), None)?;
                self.problems.extend(inner.problems);
                inner.layout
            }
        };
        Ok(Input {
            container: Container::Tar,
            layout,
            container_file: None,
            root_prefix: prefix,
            problems: self.problems,
            _temp: Some(temp),
        })
    }
}

fn open_tar(
    r: impl Read,
    name: &str,
    temp: Temp,
    limits: Limits,
    archive_len: u64,
) -> Result<Input> {
    let mut u = Unpacker::new(name, &temp, limits, archive_len)?;
    let mut archive = tar::Archive::new(r);
    let entries = archive
        .entries()
        .map_err(|e| Error::Input(format!("{name}: not a readable tar archive: {e}")))?;
    for entry in entries {
        if u.stop {
            break;
        }
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                u.problems.push(Problem::file(
                    name,
                    format!("archive is damaged or cut after {} entries: {e}", u.count),
                ));
                break;
            }
        };
        if !u.count_entry() {
            break;
        }
        let raw = match entry.path() {
            Ok(p) => p.to_string_lossy().into_owned(),
            Err(e) => {
                u.problems.push(Problem::file(
                    name,
                    format!("entry with unreadable name: {e}"),
                ));
                continue;
            }
        };
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            continue;
        }
        let Some(rel) = u.safe_name(&raw, "tar") else {
            continue;
        };
        if !(kind.is_file() || kind == tar::EntryType::Continuous) {
            if !kind.is_pax_global_extensions()
                && !kind.is_pax_local_extensions()
                && !kind.is_gnu_longname()
            {
                u.problems.push(Problem::file(
                    &rel,
                    format!("{kind:?} entry skipped: only regular files are read from archives"),
                ));
            }
            continue;
        }
        let size = entry.header().size().unwrap_or(0);
        let Some(out) = u.write(&rel, &mut entry, size) else {
            continue;
        };
        if let Ok(mtime) = entry.header().mtime() {
            let _ = File::options().write(true).open(&out).and_then(|f| {
                f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(mtime))
            });
        }
    }
    u.finish(temp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names() {
        assert_eq!(
            normalize_entry_name("./dump/nodes.json").unwrap(),
            "dump/nodes.json"
        );
        assert_eq!(
            normalize_entry_name("dump\\ns\\pods.json").unwrap(),
            "dump/ns/pods.json"
        );
        assert!(normalize_entry_name("../etc/passwd").is_none());
        assert!(normalize_entry_name("/etc/passwd").is_none());
        assert!(normalize_entry_name("C:/x").is_none());
        assert!(normalize_entry_name("a/../../b").is_none());
    }

    #[test]
    fn encodings() {
        assert_eq!(detect_encoding(b"\xff\xfe{\0"), Encoding::Utf16Le);
        assert_eq!(detect_encoding(b"{\0\r\0"), Encoding::Utf16Le);
        assert_eq!(detect_encoding(b"\xef\xbb\xbf{"), Encoding::Utf8Bom);
        assert_eq!(detect_encoding(b"{\n  "), Encoding::Utf8);
    }
}
