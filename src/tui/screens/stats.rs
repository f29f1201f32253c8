//! The stats screen: readiness and mock-exam scores, mastery by domain and task, activity
//! (reviews per day, the due forecast), accuracy by difficulty, time per question (overall and
//! per domain, beside the exam's pace) and true retention against its target. Four
//! pages so that every chart stays readable at 80×24. The shell fills [`StatsScreen`] from
//! the store; drawing only reads it.

use chrono::{Datelike, Duration};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Bar, BarChart, BarGroup, Block, Chart, Dataset, GraphType, Paragraph};

use chrono::{DateTime, Utc};
use crossterm::event::KeyCode;

use crate::mock;
use crate::model::clip;
use crate::study::StatsView;
use crate::tui::app::{Action, App, Effect, Screen};
use crate::tui::bindings::{Binding, Key, help_key};
use crate::tui::view::{Theme, Title, bar};

pub const PAGES: [&str; 4] = ["Readiness", "Mastery", "Activity", "Accuracy"];

/// The stats screen: the page shown and how far it is scrolled, over the view the service read.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsScreen {
    pub page: usize,
    /// Lines scrolled down within the page (the task list of the mastery page is the one that
    /// can overflow a small terminal).
    pub scroll: u16,
    pub view: StatsView,
}

impl StatsScreen {
    pub fn new(view: StatsView) -> StatsScreen {
        StatsScreen {
            page: 0,
            scroll: 0,
            view,
        }
    }
}

/// The screen reads its view's fields as its own.
impl std::ops::Deref for StatsScreen {
    type Target = StatsView;
    fn deref(&self) -> &StatsView {
        &self.view
    }
}

pub fn update(_app: &mut App, mut s: Box<StatsScreen>, action: Action, _now: DateTime<Utc>) -> (Screen, Vec<Effect>) {
    match action {
        Action::Back => return (Screen::Home, vec![Effect::RefreshDashboard]),
        Action::Right | Action::Next | Action::Enter => {
            s.page = (s.page + 1) % PAGES.len();
            s.scroll = 0;
        }
        Action::Left | Action::Prev => {
            s.page = (s.page + PAGES.len() - 1) % PAGES.len();
            s.scroll = 0;
        }
        Action::Toggle(k) if k < PAGES.len() => {
            s.page = k;
            s.scroll = 0;
        }
        // Up and down scroll what does not fit (the view clamps it to the content).
        Action::Down | Action::ScrollDown => s.scroll = s.scroll.saturating_add(1),
        Action::PageDown => s.scroll = s.scroll.saturating_add(10),
        Action::Up | Action::ScrollUp => s.scroll = s.scroll.saturating_sub(1),
        Action::PageUp => s.scroll = s.scroll.saturating_sub(10),
        _ => {}
    }
    (Screen::Stats(s), vec![])
}

pub fn title(_app: &App, s: &StatsScreen, _now: DateTime<Utc>) -> Title {
    let tabs: Vec<String> = PAGES
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i == s.page {
                format!("[{} {p}]", i + 1)
            } else {
                format!("{} {p}", i + 1)
            }
        })
        .collect();
    format!(" Stats · {} · {}", s.code, tabs.join("  ")).into()
}

pub fn render(_app: &App, s: &StatsScreen, theme: Theme, f: &mut Frame, area: Rect, _now: DateTime<Utc>) {
    match s.page {
        0 => readiness_page(s, theme, f, area),
        1 => mastery_page(s, theme, f, area),
        2 => activity_page(s, theme, f, area),
        _ => accuracy_page(s, theme, f, area),
    }
}

fn readiness_page(s: &StatsScreen, theme: Theme, f: &mut Frame, area: Rect) {
    let extra = s.readiness.as_ref().map_or(0, |r| {
        crate::readiness::missing_evidence_lines(r).len() as u16 + u16::from(r.capped_by_mock)
    });
    let [top, chart] = Layout::vertical([Constraint::Length(8 + extra.min(5)), Constraint::Min(6)]).areas(area);
    let mut lines = Vec::new();
    match &s.readiness {
        Some(r) => {
            let verdict = if r.predicted_score >= s.passing_score {
                theme.good()
            } else {
                theme.bad()
            };
            lines.push(Line::from(vec![
                Span::raw(" Predicted score "),
                Span::styled(format!("{}", r.predicted_score), verdict),
                Span::raw(format!(
                    " (pass at {}) · about {:.0} of {} scored items right",
                    s.passing_score, r.expected_correct, s.scored_items
                )),
            ]));
            lines.push(Line::from(vec![
                Span::raw(" Pass probability today "),
                Span::styled(format!("{:.2}", r.pass_probability), theme.title()),
                Span::raw(format!(" ({:.2}–{:.2}, 80 % interval)", r.pass_low, r.pass_high)),
            ]));
            let doms: Vec<String> = r
                .domains
                .iter()
                .map(|d| {
                    format!(
                        "{} {:.0}% [{:.0}–{:.0}]{}",
                        d.id,
                        d.estimated_accuracy * 100.0,
                        d.low * 100.0,
                        d.high * 100.0,
                        if d.missing { "?" } else { "" }
                    )
                })
                .collect();
            lines.push(Line::raw(" Estimated accuracy by domain, with its 80 % interval:"));
            lines.push(Line::raw(format!("  {}", doms.join("  "))));
            let missing = crate::readiness::missing_evidence_lines(r);
            if missing.is_empty() && !r.capped_by_mock {
                lines.push(Line::styled(
                    " Model: per domain, your answers (recent and exam ones count more, repeats",
                    theme.dim(),
                ));
                lines.push(Line::styled(
                    format!(
                        " of a key you just saw do not), combined into {} scored items, then scaled.",
                        s.scored_items
                    ),
                    theme.dim(),
                ));
            }
            if r.capped_by_mock {
                lines.push(Line::styled(
                    format!(
                        " Your last mock exam failed: the pass probability stays at most {:.0}% until one passes.",
                        crate::readiness::FAILED_MOCK_CAP * 100.0
                    ),
                    theme.bad(),
                ));
            }
            for m in missing {
                lines.push(Line::styled(format!(" ? {m}"), theme.bad()));
            }
        }
        None => {
            lines.push(Line::raw(format!(
                " Readiness: not enough data yet: it needs {} graded answers across {} domains.",
                crate::readiness::MIN_ANSWERS,
                crate::readiness::MIN_DOMAINS
            )));
            lines.push(Line::raw(format!(" So far: {} answers.", s.answered)));
        }
    }
    f.render_widget(Paragraph::new(lines).block(Block::bordered().title(" Readiness ")), top);
    exam_chart(s, theme, f, chart);
}

fn exam_chart(s: &StatsScreen, theme: Theme, f: &mut Frame, area: Rect) {
    if s.exams.is_empty() {
        f.render_widget(
            Paragraph::new(" No mock exam finished yet: e on home starts one.")
                .block(Block::bordered().title(" Mock-exam scores ")),
            area,
        );
        return;
    }
    // One or two exams: the scores plainly, not a line through a mostly empty box.
    if s.exams.len() <= 2 {
        let mut lines = vec![Line::raw("")];
        for (i, (day, sc, passed)) in s.exams.iter().enumerate() {
            let verdict = if *passed {
                Span::styled(" pass ", theme.good())
            } else {
                Span::styled(" fail ", theme.bad())
            };
            let gap = i64::from(*sc) - i64::from(s.passing_score);
            lines.push(Line::from(vec![
                Span::raw(format!("  exam {}  {}  score {:>4} ", i + 1, day.format("%b %d"), sc)),
                verdict,
                Span::styled(
                    format!(" {gap:+} against the pass mark {}", s.passing_score),
                    theme.dim(),
                ),
            ]));
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "  The chart of your scores over time starts with the third exam.",
            theme.dim(),
        ));
        f.render_widget(
            Paragraph::new(lines)
                .block(Block::bordered().title(format!(" Mock-exam scores (pass at {}) ", s.passing_score))),
            area,
        );
        return;
    }
    let pts: Vec<(f64, f64)> = s
        .exams
        .iter()
        .enumerate()
        .map(|(i, (_, sc, _))| ((i + 1) as f64, f64::from(*sc)))
        .collect();
    let x_max = pts.len() as f64;
    let pass_y = f64::from(s.passing_score);
    let pass = [(1.0, pass_y), (x_max, pass_y)];
    // Four evenly spaced y labels, one of them the pass mark (labelled "pass"), covering the
    // scores: steps of 50 points, as few as fit.
    let lo_data = f64::from(s.exams.iter().map(|e| e.1).min().unwrap_or(s.passing_score));
    let hi_data = f64::from(s.exams.iter().map(|e| e.1).max().unwrap_or(s.passing_score));
    let (mut step, mut y_lo) = (50.0, pass_y);
    for k in 1..=40 {
        step = 50.0 * f64::from(k);
        let below = ((pass_y - lo_data).max(0.0) / step).ceil().min(3.0);
        y_lo = pass_y - below * step;
        if y_lo <= lo_data && y_lo + 3.0 * step >= hi_data {
            break;
        }
    }
    let y_hi = y_lo + 3.0 * step;
    let datasets = vec![
        Dataset::default()
            .name(format!("pass {}", s.passing_score))
            .marker(symbols::Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.bad())
            .data(&pass),
        Dataset::default()
            .name("score")
            .marker(symbols::Marker::Dot)
            .graph_type(GraphType::Line)
            .style(theme.accent())
            .data(&pts),
    ];
    let first = s
        .exams
        .first()
        .map(|e| e.0.format("%b %d").to_string())
        .unwrap_or_default();
    let last = s
        .exams
        .last()
        .map(|e| e.0.format("%b %d").to_string())
        .unwrap_or_default();
    let chart = Chart::new(datasets)
        .block(Block::bordered().title(format!(
            " Mock-exam scores ({} exams, pass line at {}) ",
            s.exams.len(),
            s.passing_score
        )))
        .legend_position(None)
        .x_axis(Axis::default().title("exam").bounds([1.0, x_max]).labels(vec![
            Span::raw(format!("1 {first}")),
            Span::raw(format!("{} {last}", s.exams.len())),
        ]))
        .y_axis(
            Axis::default()
                .title("score")
                .bounds([y_lo, y_hi])
                .labels((0..4).map(|k| {
                    let v = y_lo + step * f64::from(k);
                    if (v - pass_y).abs() < 0.5 {
                        Span::styled(format!("{v:.0} pass"), theme.bad())
                    } else {
                        Span::raw(format!("{v:.0}"))
                    }
                })),
        );
    f.render_widget(chart, area);
}

fn mastery_page(s: &StatsScreen, theme: Theme, f: &mut Frame, area: Rect) {
    let [d_area, t_area] =
        Layout::vertical([Constraint::Length(s.domains.len() as u16 + 3), Constraint::Min(4)]).areas(area);
    let w = d_area.width.saturating_sub(2) as usize;
    let bar_w = 20usize;
    let title_w = w.saturating_sub(bar_w + 20).max(10);
    let mut lines = vec![Line::styled(
        format!(
            " {:<3}{:<title_w$} {:>6}  {:<bar_w$} {:>5}",
            "", "domain", "weight", "mastery", ""
        ),
        theme.dim(),
    )];
    for crate::study::DomainRow {
        id,
        title: t,
        weight: wt,
        mastery: m,
    } in &s.domains
    {
        lines.push(Line::from(vec![
            Span::raw(format!(" {id:<3}{:<title_w$} {wt:>5}%  ", clip(t, title_w))),
            Span::styled(bar(*m, bar_w), theme.accent()),
            Span::raw(format!(" {:>4}%", crate::model::percent(*m))),
        ]));
    }
    f.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Mastery by domain ")),
        d_area,
    );
    let mut lines = vec![Line::styled(
        format!(
            " {:<5}{:<title_w$} {:>5}  {:<bar_w$} {:>5}",
            "", "task", "share", "mastery", ""
        ),
        theme.dim(),
    )];
    for crate::study::TaskRow {
        id,
        title: t,
        share,
        mastery: m,
    } in &s.tasks
    {
        let tw = title_w.saturating_sub(2);
        lines.push(Line::from(vec![
            Span::raw(format!(" {id:<5}{:<tw$} {share:>4.1}%  ", clip(t, tw))),
            Span::styled(bar(*m, bar_w), theme.accent()),
            Span::raw(format!(" {:>4}%", crate::model::percent(*m))),
        ]));
    }
    // The header stays; the rows scroll when the terminal is too short for all of them.
    let visible = t_area.height.saturating_sub(3) as usize;
    let rows = lines.len() - 1;
    let max = rows.saturating_sub(visible) as u16;
    let scroll = s.scroll.min(max);
    let header = lines.remove(0);
    let mut shown = vec![header];
    shown.extend(lines.into_iter().skip(scroll as usize).take(visible));
    let more = match (scroll > 0, scroll < max) {
        (true, true) => " · ↑↓ more",
        (false, true) => " · ↓ more",
        (true, false) => " · ↑ more",
        (false, false) => "",
    };
    f.render_widget(
        Paragraph::new(shown)
            .block(Block::bordered().title(format!(" Mastery by task (share = its part of the exam){more} "))),
        t_area,
    );
}

/// Shade of a heat-map cell for `v` on a scale up to `max`.
fn shade(v: u64, max: u64) -> char {
    if v == 0 {
        return '·';
    }
    let r = v as f64 / max.max(1) as f64;
    if r <= 0.25 {
        '░'
    } else if r <= 0.5 {
        '▒'
    } else if r <= 0.75 {
        '▓'
    } else {
        '█'
    }
}

fn activity_page(s: &StatsScreen, theme: Theme, f: &mut Frame, area: Rect) {
    let [heat, forecast] = Layout::vertical([Constraint::Length(11), Constraint::Min(6)]).areas(area);
    // Heat map: one column per week, one row per weekday, oldest week on the left.
    let days = s.reviews_per_day.len();
    let max = s.reviews_per_day.iter().copied().max().unwrap_or(0);
    let total: u64 = s.reviews_per_day.iter().sum();
    let start = s.today - Duration::days(days as i64 - 1);
    let lead = start.weekday().num_days_from_monday() as usize;
    let weeks = (lead + days).div_ceil(7);
    let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let mut lines = Vec::new();
    for (wd, name) in names.iter().enumerate() {
        let mut row = format!(" {name} ");
        for wk in 0..weeks {
            let idx = (wk * 7 + wd) as i64 - lead as i64;
            let c = if idx < 0 || idx as usize >= days {
                ' '
            } else {
                shade(s.reviews_per_day[idx as usize], max)
            };
            row.push(c);
            row.push(' ');
        }
        lines.push(Line::styled(row, theme.accent()));
    }
    lines.push(Line::styled(
        format!(
            " {} → today · · none ░▒▓█ up to {max}/day · {total} reviews in {} weeks",
            start.format("%b %d"),
            days / 7
        ),
        theme.dim(),
    ));
    f.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Reviews per day, last 12 weeks ")),
        heat,
    );

    let bars: Vec<Bar> = s
        .due_forecast
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let _ = i;
            Bar::default().value(*v).text_value(String::new())
        })
        .collect();
    let due_total: u64 = s.due_forecast.iter().sum();
    let peak = s.due_forecast.iter().copied().max().unwrap_or(0);
    let block = Block::bordered().title(format!(
        " Due in the next {} days · {due_total} in all · peak {peak}/day (overdue: today) ",
        s.due_forecast.len()
    ));
    let inner = block.inner(forecast);
    f.render_widget(block, forecast);
    if inner.height < 2 {
        return;
    }
    let [bars_area, axis_area] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let chart = BarChart::default()
        .bar_width(1)
        .bar_gap(1)
        .bar_style(theme.accent())
        .value_style(Style::new())
        .data(BarGroup::default().bars(&bars));
    f.render_widget(chart, bars_area);
    // Day labels under the bars (each bar is one cell plus a one-cell gap).
    let mut axis = vec![' '; axis_area.width as usize];
    for d in (0..s.due_forecast.len()).step_by(5) {
        let label = if d == 0 { "today".to_string() } else { format!("+{d}") };
        for (k, ch) in label.chars().enumerate() {
            if let Some(c) = axis.get_mut(2 * d + k) {
                *c = ch;
            }
        }
    }
    f.render_widget(
        Paragraph::new(Line::styled(axis.into_iter().collect::<String>(), theme.dim())),
        axis_area,
    );
}

fn accuracy_page(s: &StatsScreen, theme: Theme, f: &mut Frame, area: Rect) {
    let [acc, time, retention] =
        Layout::vertical([Constraint::Length(7), Constraint::Min(4), Constraint::Length(4)]).areas(area);
    let names = ["1 easy", "2 medium", "3 hard"];
    let mut lines = vec![Line::styled(
        format!(
            " {:<10} {:>8} {:>8}  {:<24} {:>5}",
            "difficulty", "answers", "right", "accuracy", ""
        ),
        theme.dim(),
    )];
    for (i, (n, c)) in s.by_difficulty.iter().enumerate() {
        let a = if *n == 0 { 0.0 } else { *c as f64 / *n as f64 };
        lines.push(Line::from(vec![
            Span::raw(format!(" {:<10} {n:>8} {c:>8}  ", names[i])),
            Span::styled(bar(a, 24), theme.accent()),
            Span::raw(if *n == 0 {
                "    —".to_string()
            } else {
                format!(" {:>4.0}%", a * 100.0)
            }),
        ]));
    }
    let overall = if s.answered == 0 {
        0.0
    } else {
        100.0 * s.correct as f64 / s.answered as f64
    };
    lines.push(Line::raw(format!(
        " all        {:>8} {:>8}  overall {overall:.0}%",
        s.answered, s.correct
    )));
    f.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Accuracy by difficulty ")),
        acc,
    );
    time_box(s, theme, f, time);
    retention_box(s, theme, f, retention);
}

/// The median time per question, overall and per domain, beside the exam's pace. The domain
/// rows scroll when they do not fit.
fn time_box(s: &StatsScreen, theme: Theme, f: &mut Frame, area: Rect) {
    let mut fixed = vec![match s.median_ms {
        Some(ms) => Line::raw(format!(
            " Median time per question: {} (your latest answers)",
            mock::format_min_sec(ms)
        )),
        None => Line::raw(" Median time per question: no timed answers yet."),
    }];
    fixed.push(Line::styled(
        format!(
            " The real exam allows about {} per question ({} minutes for {}).",
            mock::format_min_sec(s.pace_ms),
            s.exam_minutes,
            s.exam_questions
        ),
        theme.dim(),
    ));
    let id_w = s
        .time_by_domain
        .iter()
        .map(|t| t.domain.chars().count())
        .max()
        .unwrap_or(1);
    let rows: Vec<Line> = s
        .time_by_domain
        .iter()
        .map(|t| match t.median_ms {
            Some(m) => {
                let mut spans = vec![Span::raw(format!(
                    " Domain {:<id_w$}  {:<11} {:>5} answer{}",
                    t.domain,
                    mock::format_min_sec(m),
                    t.answers,
                    if t.answers == 1 { " " } else { "s" }
                ))];
                if s.pace_ms > 0 && m > s.pace_ms {
                    spans.push(Span::styled("  slower than the exam's pace", theme.bad()));
                }
                Line::from(spans)
            }
            None => Line::styled(
                format!(" Domain {:<id_w$}  {:<11} no timed answers yet", t.domain, "—"),
                theme.dim(),
            ),
        })
        .collect();
    let visible = (area.height.saturating_sub(2) as usize).saturating_sub(fixed.len());
    let max = rows.len().saturating_sub(visible) as u16;
    let scroll = s.scroll.min(max);
    let more = match (scroll > 0, scroll < max) {
        (true, true) => " · ↑↓ more",
        (false, true) => " · ↓ more",
        (true, false) => " · ↑ more",
        (false, false) => "",
    };
    fixed.extend(rows.into_iter().skip(scroll as usize).take(visible));
    f.render_widget(
        Paragraph::new(fixed).block(Block::bordered().title(format!(" Time per question (median){more} "))),
        area,
    );
}

/// True retention: the share of due reviews answered right, against the desired retention.
fn retention_box(s: &StatsScreen, theme: Theme, f: &mut Frame, area: Rect) {
    let t = &s.true_retention;
    let target = crate::model::percent(t.desired);
    let first = match t.rate {
        Some(rate) if t.answers > 0 => {
            let style = if rate >= t.desired { theme.good() } else { theme.bad() };
            Line::from(vec![
                Span::raw(" "),
                Span::styled(format!("{} %", crate::model::percent(rate)), style),
                Span::raw(format!(
                    " of {} due review{} answered right · target {target} % (desired retention)",
                    t.answers,
                    if t.answers == 1 { "" } else { "s" }
                )),
            ])
        }
        _ => Line::raw(format!(
            " No due reviews answered in the last {} days (target {target} %).",
            t.window_days
        )),
    };
    let lines = vec![
        first,
        Line::styled(
            " Counts answers to due cards in review: not new cards, not learning steps.",
            theme.dim(),
        ),
    ];
    f.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(format!(" True retention, last {} days ", t.window_days))),
        area,
    );
}

pub fn bindings(_app: &App, _s: &StatsScreen) -> Vec<Binding> {
    vec![
        Binding::new(&[Key::Code(KeyCode::Left), Key::Char('h')], Action::Left)
            .footer("←→ or 1-4 page")
            .help("← →", "previous / next page"),
        Binding::new(
            &[Key::Code(KeyCode::Right), Key::Char('l'), Key::Code(KeyCode::Tab)],
            Action::Right,
        ),
        Binding::range('1', '4', |c| Action::Toggle(c as usize - '1' as usize)).help("1-4", "go to a page"),
        Binding::text()
            .footer("↑↓ scroll")
            .help("↑↓ PgUp PgDn", "scroll what does not fit"),
        Binding::new(&[Key::Char('q')], Action::Back)
            .footer("q back")
            .help("q Esc", "back"),
        help_key().footer("? help"),
    ]
}
