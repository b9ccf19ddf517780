//! `make doctor`'s answer: a table of the findings, worst first, and the
//! exit status.

use shared::domain::review::{Finding, Severity};

const HEADERS: [&str; 5] = ["subject", "check", "severity", "detail", "fix"];

/// Aligned columns, critical findings first, then warnings, then the rest.
pub fn table(findings: &[Finding]) -> String {
    let mut rows: Vec<[String; 5]> = findings
        .iter()
        .map(|f| {
            [
                f.subject.clone(),
                f.check.to_owned(),
                f.severity.as_str().to_owned(),
                f.detail.clone(),
                f.fix.clone(),
            ]
        })
        .collect();
    let order = |r: &[String; 5]| match r[2].as_str() {
        "critical" => 0,
        "warning" => 1,
        _ => 2,
    };
    rows.sort_by_key(order);
    let mut widths = HEADERS.map(str::len);
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 5]| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i == 4 {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<w$}  "));
            }
        }
        out.trim_end().to_owned() + "\n"
    };
    let mut out = line(HEADERS);
    for r in &rows {
        out.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4]]));
    }
    out
}

/// 1 when any finding is critical, else 0.
pub fn exit_code(findings: &[Finding]) -> i32 {
    i32::from(findings.iter().any(|f| f.severity == Severity::Critical))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn critical_findings_come_first_and_set_the_exit_code() {
        let f = vec![
            Finding::new("token.valid", Severity::Ok, "access_token", "valid", ""),
            Finding::new(
                "stack.dlq",
                Severity::Critical,
                "x-dlq",
                "3 messages parked",
                "redrive",
            ),
        ];
        let t = table(&f);
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[0].starts_with("subject"));
        assert!(lines[1].contains("critical"), "{t}");
        assert_eq!(exit_code(&f), 1);
        assert_eq!(exit_code(&f[..1]), 0);
    }
}
