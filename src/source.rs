//! Source files and positions: every value a diagnostic may point at carries a [`Span`].

use std::path::{Path, PathBuf};

/// Index of a loaded file in [`Sources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one loaded file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span { file, start, end }
    }

    /// The smallest span covering both (they must be in the same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A value together with where it was written.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Located<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Located<T> {
    pub fn new(value: T, span: Span) -> Self {
        Located { value, span }
    }
}

impl<T> std::ops::Deref for Located<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// One loaded file: its path as shown to users (relative to the area root) and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    /// Byte offset where each line starts, so that finding a line is a binary search,
    /// not a scan: a file can hold a hundred thousand spans.
    line_starts: Vec<usize>,
    /// Every [`STRIDE`] bytes (at a character boundary): that offset and the number of
    /// characters before it, so that columns of very long lines cost no scan either.
    checkpoints: Vec<(usize, usize)>,
}

/// Bytes between checkpoints.
const STRIDE: usize = 256;

impl SourceFile {
    fn new(path: PathBuf, text: String) -> SourceFile {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        let mut checkpoints = Vec::with_capacity(text.len() / STRIDE + 1);
        let (mut at, mut chars) = (0, 0);
        while at <= text.len() {
            checkpoints.push((at, chars));
            let next = floor_char_boundary(&text, at + STRIDE).max(at + 1);
            chars += text.get(at..next.min(text.len())).map_or(0, count_chars);
            at = next;
        }
        SourceFile {
            path,
            text,
            line_starts,
            checkpoints,
        }
    }

    /// Characters before a byte offset (at a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let index = self
            .checkpoints
            .partition_point(|(at, _)| *at <= offset)
            .saturating_sub(1);
        let (at, chars) = self.checkpoints.get(index).copied().unwrap_or((0, 0));
        chars + self.text.get(at..offset).map_or(0, count_chars)
    }

    /// The byte offset of the character numbered `wanted` (0-based), or the text's end.
    fn offset_of_char(&self, wanted: usize) -> usize {
        let index = self
            .checkpoints
            .partition_point(|(_, chars)| *chars <= wanted)
            .saturating_sub(1);
        let (at, chars) = self.checkpoints.get(index).copied().unwrap_or((0, 0));
        let rest = self.text.get(at..).unwrap_or("");
        at + rest
            .char_indices()
            .nth(wanted - chars.min(wanted))
            .map_or(rest.len(), |(i, _)| i)
    }
}

/// A line and column, both counted from 1; the column counts characters, not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

/// Every file read in one run, so that diagnostics can quote their lines.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file; `path` is how it is named in messages.
    pub fn add(&mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::new(path.into(), text.into()));
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn path(&self, id: FileId) -> &Path {
        self.get(id)
            .map_or(Path::new("<unknown>"), |f| f.path.as_path())
    }

    pub fn text(&self, id: FileId) -> &str {
        self.get(id).map_or("", |f| f.text.as_str())
    }

    /// The text a span covers (empty if the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text(span.file).get(span.start..span.end).unwrap_or("")
    }

    /// Line and column of a byte offset in a file.
    pub fn line_column(&self, file: FileId, offset: usize) -> LineColumn {
        let text = self.text(file);
        let offset = floor_char_boundary(text, offset);
        let (index, line_start) = self.line_of(file, offset);
        let column = self.get(file).map_or(0, |f| {
            f.chars_before(offset) - f.chars_before(line_start).min(f.chars_before(offset))
        }) + 1;
        LineColumn {
            line: index + 1,
            column,
        }
    }

    /// The 0-based line holding a byte offset, and the offset where it starts.
    fn line_of(&self, file: FileId, offset: usize) -> (usize, usize) {
        let starts = self.get(file).map_or(&[][..], |f| f.line_starts.as_slice());
        let index = starts
            .partition_point(|start| *start <= offset)
            .saturating_sub(1);
        (index, starts.get(index).copied().unwrap_or(0))
    }

    /// The whole line (without its newline) that contains a byte offset.
    pub fn line_text(&self, file: FileId, offset: usize) -> &str {
        let text = self.text(file);
        let offset = floor_char_boundary(text, offset);
        let (_, start) = self.line_of(file, offset);
        let end = text
            .get(offset..)
            .and_then(|a| a.find('\n'))
            .map_or(text.len(), |i| offset + i);
        text.get(start..end).unwrap_or("").trim_end_matches('\r')
    }

    /// Byte offset of a 1-based line and character column, clamped to the line (with
    /// its newline) and to the file.
    pub fn offset_of(&self, file: FileId, line: usize, column: usize) -> usize {
        let Some(source) = self.get(file) else {
            return 0;
        };
        let starts = &source.line_starts;
        let Some(&start) = line.checked_sub(1).and_then(|n| starts.get(n)) else {
            return source.text.len();
        };
        let end = starts.get(line).copied().unwrap_or(source.text.len());
        let first = source.chars_before(start);
        let wanted = first.saturating_add(column.saturating_sub(1));
        source.offset_of_char(wanted).min(end)
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }
}

/// Characters in a text, without decoding when it is plain ASCII.
fn count_chars(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    }
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let mut sources = Sources::new();
        let f = sources.add("a.txt", "ab\ncé x\n");
        assert_eq!(sources.line_column(f, 0), LineColumn { line: 1, column: 1 });
        let x = sources.text(f).find('x').unwrap();
        assert_eq!(sources.line_column(f, x), LineColumn { line: 2, column: 4 });
        assert_eq!(sources.line_text(f, x), "cé x");
        assert_eq!(sources.offset_of(f, 2, 4), x);
    }

    #[test]
    fn out_of_range_is_harmless() {
        let mut sources = Sources::new();
        let f = sources.add("a.txt", "é");
        assert_eq!(sources.line_column(f, 1).column, 1);
        assert_eq!(sources.slice(Span::new(f, 0, 99)), "");
        assert_eq!(sources.line_text(FileId(9), 0), "");
    }
}
