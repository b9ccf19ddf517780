//! The chaos run's printed table: figures, and targets that must be 0.

use std::fmt::Write as _;

/// One line of the printed table. `zero` lines are targets: the run fails
/// if one is not 0. The others are figures, with the reason when a figure
/// is not what a user might expect.
pub struct Row {
    pub check: String,
    pub value: usize,
    pub zero: bool,
    pub note: String,
}

#[derive(Default)]
pub struct Report {
    pub rows: Vec<Row>,
}

impl Report {
    pub(super) fn figure(&mut self, check: &str, value: usize, note: &str) {
        self.rows.push(Row {
            check: check.into(),
            value,
            zero: false,
            note: note.into(),
        });
    }

    pub(super) fn target(&mut self, check: &str, value: usize) {
        self.target_with(check, value, None);
    }

    /// A target, with one offending key in the note to start the search from.
    pub(super) fn target_with(&mut self, check: &str, value: usize, example: Option<&String>) {
        self.rows.push(Row {
            check: check.into(),
            value,
            zero: true,
            note: example.map_or_else(String::new, |e| format!("e.g. {e}")),
        });
    }

    pub fn failures(&self) -> Vec<&Row> {
        self.rows
            .iter()
            .filter(|r| r.zero && r.value != 0)
            .collect()
    }

    pub fn table(&self) -> String {
        let mut out = String::from("| check | count | target | note |\n|---|---:|---|---|\n");
        for r in &self.rows {
            let target = match (r.zero, r.value) {
                (true, 0) => "0 ✓",
                (true, _) => "0 ✗",
                _ => "",
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                r.check, r.value, target, r.note
            );
        }
        out
    }
}

impl Report {
    pub(super) fn once_each_rows(
        &mut self,
        name: &str,
        twice: &str,
        found: (Vec<&String>, Vec<&String>),
    ) {
        let (missing, duplicated) = found;
        self.target_with(
            &format!("{name} missing"),
            missing.len(),
            missing.first().copied(),
        );
        self.target_with(
            &format!("{name} twice for one {twice}"),
            duplicated.len(),
            duplicated.first().copied(),
        );
    }
}
