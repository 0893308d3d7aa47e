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
        self.files.push(SourceFile {
            path: path.into(),
            text: text.into(),
        });
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
        let before = text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before.get(line_start..).unwrap_or("").chars().count() + 1;
        LineColumn { line, column }
    }

    /// The whole line (without its newline) that contains a byte offset.
    pub fn line_text(&self, file: FileId, offset: usize) -> &str {
        let text = self.text(file);
        let offset = floor_char_boundary(text, offset);
        let start = text
            .get(..offset)
            .and_then(|b| b.rfind('\n'))
            .map_or(0, |i| i + 1);
        let end = text
            .get(offset..)
            .and_then(|a| a.find('\n'))
            .map_or(text.len(), |i| offset + i);
        text.get(start..end).unwrap_or("").trim_end_matches('\r')
    }

    /// Byte offset of a 1-based line and character column, clamped to the file.
    pub fn offset_of(&self, file: FileId, line: usize, column: usize) -> usize {
        let text = self.text(file);
        let mut offset = 0;
        for (n, l) in text.split_inclusive('\n').enumerate() {
            if n + 1 == line {
                let within: usize = l
                    .chars()
                    .take(column.saturating_sub(1))
                    .map(char::len_utf8)
                    .sum();
                return offset + within;
            }
            offset += l.len();
        }
        text.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
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
