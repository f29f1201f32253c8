//! A mock exam's report: the scaled score, each domain, where the time went, and the review of
//! every item; `p` practises the missed ones.

use chrono::{DateTime, Utc};
use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::mock::{self, ESTIMATE_NOTE, Report};
use crate::model::Question;
use crate::tui::app::{Action, App, Effect, Screen};
use crate::tui::bindings::{Binding, Key, feedback_keys, report_key};
use crate::tui::list;
use crate::tui::question::{QuestionView, question};
use crate::tui::view::{Theme, Title, local_time};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewFilter {
    All,
    Wrong,
    Marked,
    Unscored,
}

impl ReviewFilter {
    pub fn label(self) -> &'static str {
        match self {
            ReviewFilter::All => "all",
            ReviewFilter::Wrong => "wrong",
            ReviewFilter::Marked => "marked",
            ReviewFilter::Unscored => "unscored",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportItem {
    pub position: usize,
    /// None when the question was removed from the content since.
    pub question: Option<Question>,
    pub order: Vec<usize>,
    pub chosen: Vec<usize>,
    pub scored: bool,
    pub flagged: bool,
    pub correct: bool,
    pub domain: String,
    pub skill: String,
    /// Time spent on the item (0 for exams taken before it was kept).
    pub time_ms: i64,
}

impl ReportItem {
    /// The item's result in a word: "right", "wrong" or "not answered".
    pub fn result_word(&self) -> &'static str {
        match (self.correct, self.chosen.is_empty()) {
            (true, _) => "right",
            (false, true) => "not answered",
            (false, false) => "wrong",
        }
    }

    /// The item's result as a mark: ✓ right, ✗ answered wrong, – not answered.
    pub fn result_mark(&self) -> char {
        match self.result_word() {
            "right" => '✓',
            "wrong" => '✗',
            _ => '–',
        }
    }

    fn shown(&self, f: ReviewFilter) -> bool {
        match f {
            ReviewFilter::All => true,
            ReviewFilter::Wrong => !self.correct,
            ReviewFilter::Marked => self.flagged,
            ReviewFilter::Unscored => !self.scored,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportScreen {
    pub exam_id: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub elapsed_ms: i64,
    pub time_limit_ms: Option<i64>,
    pub timed_out: bool,
    pub report: Report,
    pub items: Vec<ReportItem>,
    pub filter: ReviewFilter,
    pub cursor: usize,
    /// The item open for review (index into `items`), with its view.
    pub detail: Option<(usize, QuestionView)>,
    pub from_history: bool,
    pub passing_score: u32,
    pub score_max: u32,
}

impl ReportScreen {
    /// Indices into `items` shown under the current filter.
    pub fn visible(&self) -> Vec<usize> {
        (0..self.items.len())
            .filter(|&i| self.items[i].shown(self.filter))
            .collect()
    }

    /// The view of an item for review: the learner's answer and the key, with feedback.
    pub fn detail_view(
        item: &ReportItem,
        personal: &crate::tui::app::Personal,
        now: DateTime<Utc>,
    ) -> Option<QuestionView> {
        let q = item.question.clone()?;
        let mut v = QuestionView::new(q, item.order.clone(), now);
        v.selected = crate::session::to_display(&item.order, &item.chosen);
        v.outcome = Some(crate::tui::question::Outcome {
            correct: item.correct,
            auto: crate::srs::Rating::auto(item.correct),
            rating: crate::srs::Rating::auto(item.correct),
            elapsed_ms: item.time_ms,
            saved: None,
        });
        v.exam_review = true;
        personal.dress(&mut v);
        Some(v)
    }
}

pub fn update(app: &mut App, mut r: Box<ReportScreen>, action: Action, now: DateTime<Utc>) -> (Screen, Vec<Effect>) {
    if let Some((idx, mut v)) = r.detail.take() {
        let vis = r.visible();
        let k = vis.iter().position(|&i| i == idx).unwrap_or(0);
        match action {
            Action::Back => return (Screen::Report(r), vec![]),
            Action::Next | Action::Right if k + 1 < vis.len() => {
                let j = vis[k + 1];
                r.cursor = k + 1;
                r.detail = ReportScreen::detail_view(&r.items[j], &app.personal, now).map(|v| (j, v));
                return (Screen::Report(r), vec![]);
            }
            Action::Prev | Action::Left if k > 0 => {
                let j = vis[k - 1];
                r.cursor = k - 1;
                r.detail = ReportScreen::detail_view(&r.items[j], &app.personal, now).map(|v| (j, v));
                return (Screen::Report(r), vec![]);
            }
            Action::Up | Action::ScrollUp => {
                v.scroll = v.scroll.saturating_sub(if action == Action::Up { 1 } else { 3 })
            }
            Action::Down | Action::ScrollDown => {
                v.scroll = v.scroll.saturating_add(if action == Action::Down { 1 } else { 3 })
            }
            Action::PageUp => v.scroll = v.scroll.saturating_sub(10),
            Action::PageDown => v.scroll = v.scroll.saturating_add(10),
            _ => {}
        }
        r.detail = Some((idx, v));
        return (Screen::Report(r), vec![]);
    }
    let vis = r.visible();
    match action {
        Action::Back => {
            return if r.from_history {
                (Screen::Home, vec![Effect::OpenHistory])
            } else {
                (Screen::Home, vec![Effect::RefreshDashboard])
            };
        }
        Action::Up | Action::ScrollUp => r.cursor = r.cursor.saturating_sub(1),
        Action::Down | Action::ScrollDown => r.cursor = (r.cursor + 1).min(vis.len().saturating_sub(1)),
        Action::PageUp | Action::PageDown => {
            r.cursor = list::moved(r.cursor, vis.len(), &action, list::Ends::Stop).unwrap_or(r.cursor)
        }
        Action::Filter(f) => {
            r.filter = f;
            r.cursor = 0;
        }
        Action::Enter => match vis.get(r.cursor) {
            Some(&i) => match ReportScreen::detail_view(&r.items[i], &app.personal, now) {
                Some(v) => r.detail = Some((i, v)),
                None => {
                    app.status = Some("That question was removed from the content; only its result is kept.".into())
                }
            },
            None => app.status = Some(format!("No {} items to review.", r.filter.label())),
        },
        Action::PractiseMissed => {
            // Wrong and unanswered alike, scored or not, in exam order; questions removed from
            // the content since cannot be asked again.
            let ids: Vec<String> = r
                .items
                .iter()
                .filter(|i| !i.correct)
                .filter_map(|i| i.question.as_ref().map(|q| q.id.clone()))
                .collect();
            if ids.is_empty() {
                app.status = Some("Nothing missed in this exam: every item was answered right.".into());
            } else {
                let title = format!(
                    "{} missed in the mock exam of {}",
                    ids.len(),
                    crate::tui::view::local_time(r.finished_at)
                );
                return (Screen::Report(r), vec![Effect::StartPracticeOn { title, ids }]);
            }
        }
        _ => {}
    }
    (Screen::Report(r), vec![])
}

pub fn title(_app: &App, r: &ReportScreen, _now: DateTime<Utc>) -> Title {
    let text = match r.detail {
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
    };
    text.into()
}

pub fn render(_app: &App, r: &ReportScreen, theme: Theme, f: &mut Frame, body: Rect, _now: DateTime<Utc>) {
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
    let top = list::scroll_to(r.cursor, height);
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
pub fn slowest_line(items: &[crate::tui::screens::report::ReportItem], pace_ms: Option<i64>) -> String {
    let mut by_time: Vec<&crate::tui::screens::report::ReportItem> = items.iter().collect();
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

pub fn bindings(_app: &App, r: &ReportScreen) -> Vec<Binding> {
    if r.detail.is_some() {
        let mut v = vec![
            Binding::new(&[Key::Char('n'), Key::Code(KeyCode::Right)], Action::Next)
                .footer("n/→ next")
                .help("n →", "next item"),
            Binding::new(&[Key::Char('p'), Key::Code(KeyCode::Left)], Action::Prev)
                .footer("p/← previous")
                .help("p ←", "previous item"),
            Binding::text().footer("↑↓ scroll").help("↑↓ PgUp PgDn", "scroll"),
        ];
        v.extend(feedback_keys());
        v.extend([
            report_key(),
            Binding::new(&[Key::Code(KeyCode::Esc)], Action::Escape)
                .footer("Esc back to the report")
                .help("q Esc", "back to the report"),
        ]);
        return v;
    }
    vec![
        Binding::new(&[Key::Code(KeyCode::Enter)], Action::Enter)
            .footer("Enter review")
            .help("Enter", "review the item: your answer, the key, why"),
        Binding::new(&[Key::Char('a')], Action::Filter(ReviewFilter::All))
            .footer("a all")
            .help("a w m u", "show all / wrong / marked / unscored items"),
        Binding::new(&[Key::Char('w')], Action::Filter(ReviewFilter::Wrong)).footer("w wrong"),
        Binding::new(&[Key::Char('m')], Action::Filter(ReviewFilter::Marked)).footer("m marked"),
        Binding::new(&[Key::Char('u')], Action::Filter(ReviewFilter::Unscored)).footer("u unscored"),
        Binding::new(&[Key::Char('p')], Action::PractiseMissed)
            .footer("p practise missed")
            .help("p", "practise the items missed (wrong or unanswered) now"),
        Binding::text().help("↑↓", "move in the item list"),
        Binding::new(&[Key::Char('q')], Action::Back).help("q Esc", "back"),
    ]
}

impl ReportScreen {
    /// The report of a finished exam: scored again by [`mock::score`] from the answers kept
    /// (the scaled score, pass and raw count are the ones stored when it was submitted). None
    /// when the exam is not finished.
    pub fn from_stored(
        pack: &crate::model::Pack,
        e: &crate::study::StoredExam,
        from_history: bool,
    ) -> Option<ReportScreen> {
        let sum = &e.summary;
        let finished_at = sum.finished_at?;
        let mut report = crate::study::score_items(pack, &e.items);
        report.raw_correct = sum.raw_correct.map_or(report.raw_correct, |v| v as u32);
        report.scored_total = sum.scored_total.map_or(report.scored_total, |v| v as u32);
        report.scaled_score = sum.scaled_score.map_or(report.scaled_score, |v| v as u32);
        report.passed = sum.passed.unwrap_or(report.passed);
        let items = e
            .items
            .iter()
            .map(|r| ReportItem {
                position: r.position,
                question: pack.question(&r.question_id).cloned(),
                order: r.option_order.clone(),
                chosen: r.chosen.clone(),
                scored: r.scored,
                flagged: r.flagged,
                correct: r.correct == Some(true),
                domain: r.domain.clone(),
                skill: r.skill.clone(),
                time_ms: r.time_ms,
            })
            .collect();
        let fmt = pack.exam.format;
        Some(ReportScreen {
            exam_id: sum.id,
            started_at: sum.started_at,
            finished_at,
            elapsed_ms: sum.elapsed_ms,
            time_limit_ms: sum.time_limit_ms,
            timed_out: sum.timed_out,
            report,
            items,
            filter: ReviewFilter::All,
            cursor: 0,
            detail: None,
            from_history,
            passing_score: fmt.passing_score,
            score_max: fmt.score_max,
        })
    }
}
