//! Text as customers type it, made comparable: case, accents and punctuation
//! do not matter ("¿Horário?" matches "horario").

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Lower case, accents removed, every run of non-alphanumerics one space.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
    {
        if c.is_alphanumeric() {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Whether `phrase` (normalized) occurs in `text` (normalized) as whole words.
pub fn contains_words(text: &str, phrase: &str) -> bool {
    !phrase.is_empty() && format!(" {text} ").contains(&format!(" {phrase} "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_accents_and_punctuation_do_not_matter() {
        assert_eq!(normalize("¿Horário de ABERTURA?!"), "horario de abertura");
        assert_eq!(normalize("Öffnungszeiten…"), "offnungszeiten");
        assert_eq!(normalize("  STOP. "), "stop");
    }

    #[test]
    fn phrases_match_whole_words_only() {
        assert!(contains_words(
            "what are your opening hours",
            "opening hours"
        ));
        assert!(!contains_words("shours", "hours"));
    }
}
