//! The end of a session: what was answered, the time, each domain, and the missed questions to
//! open again or retry.

use chrono::{DateTime, Utc};
use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::model::{Mode, Pack, clip};
use crate::tui::app::{Action, App, Effect, Screen};
use crate::tui::bindings::{Binding, Key, feedback_keys, help_key, report_key, search_key};
use crate::tui::list;
use crate::tui::question::{QuestionView, question};
use crate::tui::screens::study::Study;
use crate::tui::view::{Theme, Title, centered, relative_time};

/// The end of a practice, review or drill session: what was answered, how long it took, how
/// each domain went, and the missed questions to open again or retry.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub mode: Mode,
    pub answered: usize,
    pub correct: usize,
    pub next_due: Option<DateTime<Utc>>,
    /// Wall time from the first question to the end.
    pub spent_ms: i64,
    /// Median time to answer a question.
    pub median_answer_ms: Option<i64>,
    /// Per domain, in blueprint order: answered and right.
    pub domains: Vec<DomainTally>,
    /// The questions answered wrong, with their feedback, in the order first missed (each
    /// once).
    pub missed: Vec<QuestionView>,
    /// The highlighted missed question.
    pub cursor: usize,
    /// A missed question opened again (index into `missed`).
    pub detail: Option<usize>,
    /// The session summed up, kept so that its last answer can still be taken back from here.
    pub session: Option<Box<Study>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainTally {
    pub domain: String,
    pub answered: usize,
    pub correct: usize,
}

impl Summary {
    /// The summary of `st` as of `now`, from the questions it has done; the session is kept.
    pub fn of(pack: &Pack, st: Box<Study>, next_due: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Summary {
        let mut domains: Vec<DomainTally> = pack
            .exam
            .domains
            .iter()
            .map(|d| DomainTally {
                domain: d.id.clone(),
                answered: 0,
                correct: 0,
            })
            .collect();
        let mut times = Vec::new();
        let mut missed = Vec::new();
        for v in &st.done {
            let Some(o) = &v.outcome else { continue };
            let domain = crate::model::domain_of(&v.question.skill);
            if let Some(t) = domains.iter_mut().find(|t| t.domain == domain) {
                t.answered += 1;
                t.correct += usize::from(o.correct);
            }
            times.push(o.elapsed_ms);
            // A question missed twice (a lapse in review, asked again) is listed once.
            if !o.correct && !missed.iter().any(|m: &QuestionView| m.question.id == v.question.id) {
                let mut m = v.clone();
                m.scroll = 0;
                m.exam_review = true;
                missed.push(m);
            }
        }
        domains.retain(|t| t.answered > 0);
        times.sort_unstable();
        Summary {
            mode: st.mode,
            answered: st.answered,
            correct: st.correct,
            next_due,
            spent_ms: (now - st.started_at).num_milliseconds().max(0),
            median_answer_ms: times.get(times.len() / 2).copied(),
            domains,
            missed,
            cursor: 0,
            detail: None,
            session: Some(st),
        }
    }
}

pub fn update(app: &mut App, mut s: Summary, action: Action, now: DateTime<Utc>) -> (Screen, Vec<Effect>) {
    let n = s.missed.len();
    if let Some(i) = s.detail {
        let Some(v) = s.missed.get_mut(i) else {
            s.detail = None;
            return (Screen::Summary(s), vec![]);
        };
        match action {
            Action::Back | Action::Enter => s.detail = None,
            Action::Next | Action::Prev if n > 0 => {
                let j = if action == Action::Next {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                s.detail = Some(j);
                s.cursor = j;
            }
            Action::Up => v.scroll = v.scroll.saturating_sub(1),
            Action::Down => v.scroll = v.scroll.saturating_add(1),
            Action::ScrollUp | Action::PageUp => {
                v.scroll = v.scroll.saturating_sub(if action == Action::PageUp { 10 } else { 3 })
            }
            Action::ScrollDown | Action::PageDown => {
                v.scroll = v.scroll.saturating_add(if action == Action::PageDown { 10 } else { 3 })
            }
            _ => {}
        }
        return (Screen::Summary(s), vec![]);
    }
    match action {
        Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
            s.cursor = list::moved(s.cursor, n, &action, list::Ends::Stop).unwrap_or(s.cursor)
        }
        // The session's last answer can still be taken back from its summary.
        Action::Undo => {
            let eff = s.session.as_ref().and_then(|st| st.undo_last(&mut app.status));
            return (Screen::Summary(s), eff.into_iter().collect());
        }
        Action::Enter if n > 0 => s.detail = Some(s.cursor.min(n - 1)),
        Action::PractiseMissed if n > 0 => {
            let ids = s.missed.iter().map(|v| v.question.id.clone()).collect();
            app.start_study(Mode::Practice, "retry the missed".to_string(), ids, now);
            return (std::mem::replace(&mut app.screen, Screen::Home), vec![]);
        }
        Action::Enter | Action::Back => return (Screen::Home, vec![Effect::RefreshDashboard]),
        _ => {}
    }
    (Screen::Summary(s), vec![])
}

pub fn render(app: &App, s: &Summary, theme: Theme, f: &mut Frame, area: Rect, now: DateTime<Utc>) {
    if let Some(v) = s.detail.and_then(|i| s.missed.get(i)) {
        question(v, theme, f, area);
        return;
    }
    let pct = if s.answered == 0 {
        0.0
    } else {
        100.0 * s.correct as f64 / s.answered as f64
    };
    let width = area.width.min(96);
    let w = width.saturating_sub(4) as usize;
    let mut time = format!("in {}", crate::mock::format_duration_words(s.spent_ms));
    if let Some(m) = s.median_answer_ms {
        time.push_str(&format!(" · median {} to answer", crate::mock::format_min_sec(m)));
    }
    let mut lines = vec![
        Line::raw(""),
        Line::styled(
            clip(
                &format!("  {} answered, {} right ({pct:.0}%) {time}", s.answered, s.correct),
                w,
            ),
            theme.title(),
        ),
        Line::raw("  Every answer is saved and scheduled with FSRS-6."),
    ];
    if let Some(t) = s.next_due {
        let when = relative_time(t, now);
        lines.push(Line::raw(if t > now && (t - now).num_minutes() < 60 {
            format!("  Cards in their learning steps come back {when}: review again then.")
        } else {
            format!("  The last card comes back {when}.")
        }));
    }
    if !s.domains.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("  By domain", theme.title()));
        for d in &s.domains {
            let tail = format!("{} of {} right", d.correct, d.answered);
            let name = app.pack.exam.domain(&d.domain).map(|x| x.title.as_str()).unwrap_or("");
            let label_w = w.saturating_sub(tail.len() + 4);
            let label = clip(&format!("{} {name}", d.domain), label_w);
            let style = if d.correct == d.answered {
                Style::new()
            } else {
                theme.bad()
            };
            lines.push(Line::styled(format!("  {label:<label_w$}  {tail}"), style));
        }
    }
    lines.push(Line::raw(""));
    let list_start = lines.len();
    if s.missed.is_empty() {
        lines.push(Line::styled("  Nothing missed.", theme.good()));
    } else {
        lines.push(Line::styled(
            format!(
                "  Missed ({}): Enter opens one with its feedback · r retries them now",
                s.missed.len()
            ),
            theme.title(),
        ));
        for (i, v) in s.missed.iter().enumerate() {
            let stem = v.question.stem.split_whitespace().collect::<Vec<_>>().join(" ");
            let text = clip(&format!("{:<7} {stem}", v.question.skill), w.saturating_sub(2));
            lines.push(if i == s.cursor {
                Line::styled(format!("  › {text}"), theme.selected())
            } else {
                Line::raw(format!("    {text}"))
            });
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        if s.missed.is_empty() {
            "  Enter: home · u: take the last answer back"
        } else {
            "  Enter: open · r: retry the missed · u: take the last answer back · q: home"
        },
        theme.dim(),
    ));
    let r = centered(area, width, (lines.len() as u16 + 2).min(area.height));
    // Keep the highlighted missed question in view.
    let inner = r.height.saturating_sub(2) as usize;
    let cursor_row = list_start + 1 + s.cursor;
    let scroll = (cursor_row + 3)
        .saturating_sub(inner)
        .min(lines.len().saturating_sub(inner)) as u16;
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .block(Block::bordered().title(format!(" {} ", s.mode.title()))),
        r,
    );
}

pub fn title(_app: &App, s: &Summary, _now: DateTime<Utc>) -> Title {
    match s.detail {
        Some(i) => format!(
            " {} · missed question {} of {} · skill {}",
            s.mode.title(),
            i + 1,
            s.missed.len(),
            s.missed.get(i).map(|v| v.question.skill.as_str()).unwrap_or("")
        ),
        None => format!(" {} · session done", s.mode.title()),
    }
    .into()
}

pub fn bindings(_app: &App, s: &Summary) -> Vec<Binding> {
    if s.detail.is_some() {
        let mut v = vec![
            Binding::new(&[Key::Char('n'), Key::Code(KeyCode::Right)], Action::Next)
                .footer("n p next / previous missed")
                .help("n p", "next / previous missed question"),
            Binding::new(&[Key::Char('p'), Key::Code(KeyCode::Left)], Action::Prev),
            Binding::text()
                .footer("↑↓ PgUp PgDn scroll")
                .help("↑↓ PgUp PgDn", "scroll"),
        ];
        v.extend(feedback_keys());
        v.extend([
            report_key(),
            Binding::new(&[Key::Code(KeyCode::Esc)], Action::Escape)
                .footer("Esc back to the summary")
                .help("q Esc", "back to the summary"),
            help_key().footer("? help"),
        ]);
        return v;
    }
    let undo = Binding::new(&[Key::Char('u'), Key::Ctrl('z')], Action::Undo)
        .help("u Ctrl-Z", "take the session's last answer back and answer it again");
    if s.missed.is_empty() {
        return vec![
            Binding::new(&[Key::Code(KeyCode::Enter)], Action::Enter)
                .footer("Enter home")
                .help("Enter q Esc", "home"),
            undo.footer("u undo last answer"),
            search_key(),
            help_key().footer("? help"),
        ];
    }
    vec![
        Binding::new(&[Key::Code(KeyCode::Up), Key::Char('k')], Action::Up)
            .footer("↑↓ move")
            .help("↑↓ j k", "move in the missed questions"),
        Binding::new(&[Key::Code(KeyCode::Enter)], Action::Enter)
            .footer("Enter open the missed question")
            .help("Enter", "open a missed question with its feedback"),
        Binding::new(&[Key::Char('r')], Action::PractiseMissed)
            .footer("r retry the missed")
            .help("r", "retry the missed questions now (practice)"),
        undo,
        search_key(),
        Binding::new(&[Key::Char('q')], Action::Back)
            .footer("q home")
            .help("q Esc", "home"),
        help_key().footer("? help"),
    ]
}
