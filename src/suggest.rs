//! "Did you mean ...?": the closest known name to a misspelt one.

/// The candidate closest to `word`, if any is close enough to be a plausible typo.
pub fn closest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let word_lower = word.to_lowercase();
    candidates
        .into_iter()
        .filter_map(|c| {
            let score = strsim::jaro_winkler(&word_lower, &c.to_lowercase());
            let distance = strsim::damerau_levenshtein(&word_lower, &c.to_lowercase());
            let close = score >= 0.85 || distance <= (word.chars().count() / 3).max(1);
            close.then_some((score, c))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// A ready-made help line: "did you mean `x`?", or `None` when nothing is close.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let wards = ["hilsea", "cosham", "fratton"];
        assert_eq!(closest("hilsee", wards), Some("hilsea"));
        assert_eq!(closest("Cosham", wards), Some("cosham"));
        assert_eq!(closest("southampton", wards), None);
    }
}
