//! Drawing the mock exam screens. Reads state only.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::exam::{ExamIntro, ExamScreen, GRID_COLS, HistoryScreen, ReportScreen, ResumePrompt, ReviewFilter};
use super::view::{Theme, centered, local_time, question};
use crate::mock::{self, ESTIMATE_NOTE};

pub fn exam_title(ex: &ExamScreen, now: chrono::DateTime<chrono::Utc>) -> String {
    let flag = if ex.items.get(ex.pos).is_some_and(|i| i.flagged) {
        " · ⚑ marked"
    } else {
        ""
    };
    let clock = match ex.clock.time_limit_ms {
        // The last minutes: ⚠ as well as the colour, for NO_COLOR.
        Some(_) if ex.clock_within(now, mock::CLOCK_WARNING_MIN) => format!("⚠ {} left", ex.clock.display(now)),
        Some(_) => format!("⏱ {} left", ex.clock.display(now)),
        None => format!("untimed · {} used", ex.clock.display(now)),
    };
    format!(
        " Mock exam · Question {} of {} · {clock} · answered {} · marked {}{flag}",
        ex.pos + 1,
        ex.items.len(),
        ex.answered(),
        ex.flagged()
    )
}

pub fn exam_footer(ex: &ExamScreen) -> &'static str {
    if ex.confirm_submit {
        "y submit · n/Esc keep working"
    } else if ex.grid.is_some() {
        "arrows/0-9 move · u unanswered · m marked · Enter go · g/Esc close · S submit"
    } else {
        "a-f pick · n/→ next · p/← prev · m mark · g grid · S submit · q pause · ? help"
    }
}

pub fn exam(ex: &ExamScreen, theme: Theme, f: &mut Frame, body: Rect) {
    if let Some(it) = ex.items.get(ex.pos) {
        question(&it.view, theme, f, body);
    }
    if let Some(cur) = ex.grid {
        grid(ex, cur, theme, f, body);
    }
    if ex.confirm_submit {
        let mut lines = vec![Line::raw(""), Line::styled("  Submit the exam now?", theme.title())];
        let (u, m) = (ex.unanswered(), ex.flagged());
        lines.push(Line::raw(format!(
            "  {u} unanswered item{} and {m} marked for review.",
            if u == 1 { "" } else { "s" }
        )));
        if u > 0 {
            lines.push(Line::styled("  Unanswered items count as wrong.", theme.bad()));
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled("  y submit · n/Esc keep working", theme.dim()));
        let r = centered(body, 56, lines.len() as u16 + 2);
        f.render_widget(Clear, r);
        f.render_widget(Paragraph::new(lines).block(Block::bordered().title(" Submit ")), r);
    }
}

fn grid(ex: &ExamScreen, cur: usize, theme: Theme, f: &mut Frame, body: Rect) {
    let rows = ex.items.len().div_ceil(GRID_COLS);
    let mut lines = vec![Line::styled(
        " ● answered  ○ unanswered  ⚑ marked for review",
        theme.dim(),
    )];
    for r in 0..rows {
        let mut spans = vec![Span::raw(" ")];
        for c in 0..GRID_COLS {
            let i = r * GRID_COLS + c;
            let Some(it) = ex.items.get(i) else { break };
            let cell = format!(
                "{:>2}{}{}",
                i + 1,
                if it.answered() { '●' } else { '○' },
                if it.flagged { '⚑' } else { ' ' }
            );
            let style = if i == cur {
                theme.selected()
            } else if it.flagged {
                theme.accent()
            } else if !it.answered() {
                theme.bad()
            } else {
                ratatui::style::Style::new()
            };
            spans.push(Span::styled(cell, style));
            spans.push(Span::raw("  "));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::raw(""));
    let typed = if ex.grid_number.is_empty() {
        String::new()
    } else {
        format!(" · go to {}", ex.grid_number)
    };
    lines.push(Line::raw(format!(
        " {} answered · {} unanswered · {} marked{typed}",
        ex.answered(),
        ex.unanswered(),
        ex.flagged()
    )));
    lines.push(Line::styled(
        " u next unanswered · m next marked · type a number · Enter go",
        theme.dim(),
    ));
    let r = centered(body, (GRID_COLS * 6 + 3) as u16, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    f.render_widget(Paragraph::new(lines).block(Block::bordered().title(" Review grid ")), r);
}

pub fn intro(i: &ExamIntro, theme: Theme, f: &mut Frame, body: Rect) {
    let mut lines = vec![
        Line::raw(""),
        Line::styled(
            format!("  {} items, of which {} are scored.", i.items, i.scored),
            theme.title(),
        ),
        Line::raw(match i.minutes {
            Some(m) => format!("  {m} minutes on the clock; at 0:00 the exam is submitted as it stands."),
            None => "  Untimed: the clock only counts the time you use.".to_string(),
        }),
        Line::raw("  The unscored items are mixed in and revealed in the report."),
        Line::raw("  No feedback until you submit. Mark items to come back to them."),
        Line::raw("  Every answer is saved at once; q pauses, and you can resume later."),
    ];
    if !i.warnings.is_empty() {
        lines.push(Line::raw(""));
        for w in &i.warnings {
            lines.push(Line::styled(format!("  ! {w}"), theme.bad()));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("  Enter start · Esc back", theme.dim()));
    let r = centered(body, 76, lines.len() as u16 + 4);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(" Mock exam ")),
        r,
    );
}

pub fn resume(p: &ResumePrompt, theme: Theme, f: &mut Frame, body: Rect) {
    let left = match p.remaining_ms {
        Some(ms) => format!("{} left on the clock", mock::format_clock(ms)),
        None => "untimed".to_string(),
    };
    let keys = if p.confirm_discard {
        Line::styled(
            format!(
                "  Discard it? Its {} answers and {} marks are lost. y discard · n keep it",
                p.answered, p.flagged
            ),
            theme.bad(),
        )
    } else {
        Line::styled(
            "  y/Enter resume · d discard it and start a new one · Esc back",
            theme.dim(),
        )
    };
    let lines = vec![
        Line::raw(""),
        Line::styled("  You have an unfinished mock exam.", theme.title()),
        Line::raw(format!(
            "  Started {} · {} of {} answered · {} marked",
            local_time(p.started_at),
            p.answered,
            p.items,
            p.flagged
        )),
        Line::raw(format!("  {left}.")),
        Line::raw(""),
        keys,
    ];
    let r = centered(body, 78, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(" Resume ")),
        r,
    );
}

pub fn report_title(r: &ReportScreen) -> String {
    match r.detail {
        Some((i, _)) => {
            let it = &r.items[i];
            format!(
                " Exam review · item {} · {} · skill {} · {}",
                it.position + 1,
                if it.scored { "scored" } else { "unscored" },
                it.skill,
                if it.correct { "correct" } else { "wrong" }
            )
        }
        None => format!(" Mock exam report · {}", local_time(r.finished_at)),
    }
}

pub fn report_footer(r: &ReportScreen) -> &'static str {
    if r.detail.is_some() {
        "n/→ next · p/← previous · ↑↓ scroll · Esc back to the report"
    } else {
        "Enter review · a all · w wrong · m marked · u unscored · p practise missed"
    }
}

pub fn report(r: &ReportScreen, theme: Theme, f: &mut Frame, body: Rect) {
    if let Some((_, v)) = &r.detail {
        question(v, theme, f, body);
        return;
    }
    let rep = &r.report;
    // Long lines are wrapped here, with their continuation indented, so that the summary's
    // height is known and nothing is pushed out of it.
    let width = body.width.saturating_sub(1).max(20) as usize;
    let wrapped = |text: String, style: ratatui::style::Style| -> Vec<Line<'static>> {
        let opts = textwrap::Options::new(width)
            .initial_indent(" ")
            .subsequent_indent("   ");
        textwrap::wrap(text.trim_start(), opts)
            .into_iter()
            .map(|l| Line::styled(l.into_owned(), style))
            .collect()
    };
    let verdict = if rep.passed {
        Span::styled(" PASS ", theme.good())
    } else {
        Span::styled(" FAIL ", theme.bad())
    };
    let limit = match r.time_limit_ms {
        Some(l) => format!(" of {}", mock::format_duration_words(l)),
        None => " (untimed)".to_string(),
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!(" Scaled score {} / {}", rep.scaled_score, r.score_max),
            theme.title(),
        ),
        verdict,
        Span::raw(format!("(pass at {})", r.passing_score)),
    ])];
    let scored: Vec<_> = r.items.iter().filter(|i| i.scored).collect();
    let unanswered = scored.iter().filter(|i| i.chosen.is_empty()).count();
    let wrong = scored.iter().filter(|i| !i.correct && !i.chosen.is_empty()).count();
    lines.extend(wrapped(
        format!(
            "Scored items: {}/{} right, {wrong} wrong, {unanswered} not answered · time used {}{limit}{}",
            rep.raw_correct,
            rep.scored_total,
            mock::format_duration_words(r.elapsed_ms),
            if r.timed_out { " · submitted at 0:00" } else { "" }
        ),
        ratatui::style::Style::new(),
    ));
    lines.extend(wrapped(ESTIMATE_NOTE.to_string(), theme.dim()));
    lines.push(Line::raw(""));
    for d in &rep.domains {
        let style = if d.meets { theme.good() } else { theme.bad() };
        lines.push(Line::from(vec![
            Span::raw(format!(" Domain {:<3}", d.domain)),
            Span::styled(format!("{:<19}", d.label()), style),
            Span::raw(format!(" {:>3.0}%  ({}/{})", d.percent, d.correct, d.total)),
        ]));
    }
    let unscored: Vec<String> = r
        .items
        .iter()
        .filter(|i| !i.scored)
        .map(|i| (i.position + 1).to_string())
        .collect();
    lines.extend(wrapped(format!("Unscored items: {}", unscored.join(", ")), theme.dim()));
    let timed = r.items.iter().any(|i| i.time_ms > 0);
    if timed {
        let pace = r.time_limit_ms.map(|l| l / (r.items.len().max(1) as i64));
        lines.extend(wrapped(slowest_line(&r.items, pace), ratatui::style::Style::new()));
    }
    let [summary, list] = Layout::vertical([Constraint::Length(lines.len() as u16), Constraint::Min(3)]).areas(body);
    f.render_widget(Paragraph::new(lines), summary);

    let vis = r.visible();
    let filters = [
        ReviewFilter::All,
        ReviewFilter::Wrong,
        ReviewFilter::Marked,
        ReviewFilter::Unscored,
    ];
    let title: Vec<String> = filters
        .iter()
        .map(|fl| {
            let n = r
                .items
                .iter()
                .filter(|i| match fl {
                    ReviewFilter::All => true,
                    ReviewFilter::Wrong => !i.correct,
                    ReviewFilter::Marked => i.flagged,
                    ReviewFilter::Unscored => !i.scored,
                })
                .count();
            if *fl == r.filter {
                format!("[{} {n}]", fl.label())
            } else {
                format!("{} {n}", fl.label())
            }
        })
        .collect();
    let height = list.height.saturating_sub(2) as usize;
    let top = r.cursor.saturating_sub(height.saturating_sub(1));
    let w = list.width.saturating_sub(2) as usize;
    let rows: Vec<Line> = vis
        .iter()
        .enumerate()
        .skip(top)
        .take(height)
        .map(|(k, &i)| {
            let it = &r.items[i];
            let stem = it
                .question
                .as_ref()
                .map(|q| q.stem.split_whitespace().collect::<Vec<_>>().join(" "))
                .unwrap_or_else(|| "(question removed from the content)".into());
            // ✓ right, ✗ answered wrong, – not answered; "unscored" in full.
            let mark = it.result_mark();
            let time = if timed {
                format!("{:>5} ", mock::format_elapsed(it.time_ms))
            } else {
                String::new()
            };
            let head = format!(
                " {:>2} {} {} {:<6} {:<8} {time}",
                it.position + 1,
                mark,
                if it.flagged { '⚑' } else { ' ' },
                it.skill,
                if it.scored { "" } else { "unscored" }
            );
            let room = w.saturating_sub(head.chars().count() + 1);
            let text: String = stem.chars().take(room).collect();
            let line = format!("{head}{text}");
            if k == r.cursor {
                Line::styled(line, theme.selected())
            } else if it.correct {
                Line::raw(line)
            } else {
                Line::styled(line, theme.bad().remove_modifier(ratatui::style::Modifier::BOLD))
            }
        })
        .collect();
    f.render_widget(
        Paragraph::new(rows).block(Block::bordered().title(format!(" Review: {} ", title.join(" · ")))),
        list,
    );
}

/// Where the time went: the five slowest items with their result, and the median per item
/// beside the exam's pace (its time limit over its items).
pub fn slowest_line(items: &[super::exam::ReportItem], pace_ms: Option<i64>) -> String {
    let mut by_time: Vec<&super::exam::ReportItem> = items.iter().collect();
    by_time.sort_by_key(|i| (std::cmp::Reverse(i.time_ms), i.position));
    let slowest: Vec<String> = by_time
        .iter()
        .take(5)
        .filter(|i| i.time_ms > 0)
        .map(|i| {
            format!(
                "item {} {} {}",
                i.position + 1,
                mock::format_min_sec(i.time_ms),
                i.result_word()
            )
        })
        .collect();
    // Over the items that were on screen at all.
    let mut times: Vec<i64> = items.iter().map(|i| i.time_ms).filter(|&t| t > 0).collect();
    times.sort_unstable();
    let median = times.get(times.len() / 2).copied().unwrap_or(0);
    let pace = pace_ms.map_or(String::new(), |p| format!(" (pace {})", mock::format_min_sec(p)));
    format!(
        "Slowest: {} · median {} an item{pace}",
        slowest.join(", "),
        mock::format_min_sec(median)
    )
}

pub fn history(h: &HistoryScreen, theme: Theme, f: &mut Frame, body: Rect) {
    let mut lines = vec![Line::styled(
        format!(
            " {:<3} {:<17} {:>6}  {:<5} {:>8}  {:>10}",
            "#", "finished", "score", "", "right", "time used"
        ),
        theme.dim(),
    )];
    if h.rows.is_empty() {
        lines.push(Line::raw(" No mock exam finished yet: press q, then e to sit one."));
    }
    for (i, row) in h.rows.iter().enumerate() {
        let text = format!(
            " {:<3} {:<17} {:>6}  {:<5} {:>8}  {:>10}",
            row.exam_id,
            local_time(row.finished_at),
            row.scaled_score,
            if row.passed { "pass" } else { "fail" },
            format!("{}/{}", row.raw_correct, row.scored_total),
            mock::format_elapsed(row.elapsed_ms)
        );
        lines.push(if i == h.cursor {
            Line::styled(text, theme.selected())
        } else if row.passed {
            Line::styled(text, theme.good().remove_modifier(ratatui::style::Modifier::BOLD))
        } else {
            Line::raw(text)
        });
    }
    let height = body.height.saturating_sub(2) as usize;
    let scroll = (h.cursor + 2).saturating_sub(height) as u16;
    f.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .block(Block::bordered().title(" History of mock exams ")),
        body,
    );
}
