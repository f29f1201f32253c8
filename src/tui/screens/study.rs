//! A practice, review or drill session: one question after another, the feedback, the ratings,
//! undo, and the queue (learning steps come back in the same review).

use chrono::{DateTime, Utc};
use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::model::{Kind, Mode};
use crate::session;
use crate::srs::{Card, Rating};
use crate::tui::app::{Action, AnswerRecord, App, Effect, Screen};
use crate::tui::bindings::{Binding, Key, feedback_keys, help_key, option_keys, report_key};
use crate::tui::question::{Outcome, QuestionView, Saved, question};
use crate::tui::screens::notice::Notice;
use crate::tui::screens::search::SearchScreen;
use crate::tui::screens::summary::Summary;
use crate::tui::view::{Theme, Title, short_interval};

#[derive(Debug, Clone, PartialEq)]
pub struct QueueItem {
    pub question_id: String,
    /// For (re)learning cards brought back in the same session: not before this time.
    pub not_before: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    pub mode: Mode,
    pub title: String,
    pub queue: Vec<QueueItem>,
    /// In review: the questions of the session that are new cards (the header counts new,
    /// learning and due cards apart, as Anki does).
    pub new_ids: std::collections::HashSet<String>,
    /// Practising a search hit: the results to go back to when it ends.
    pub from_search: Option<SearchScreen>,
    pub answered: usize,
    pub correct: usize,
    pub planned: usize,
    pub current: QuestionView,
    /// When the session started (the summary says how long it took).
    pub started_at: DateTime<Utc>,
    /// The questions answered and left, in order, with their feedback: the summary lists the
    /// missed ones, and the last one can still be taken back while the next is on screen.
    pub done: Vec<QuestionView>,
    /// At the end of a review the shell has looked for cards that came due meanwhile.
    pub looked_for_more: bool,
}

/// The same showing of a question (its id, and when it was shown).
fn same_showing(a: &QuestionView, b: &QuestionView) -> bool {
    a.question.id == b.question.id && a.shown_at == b.shown_at
}

impl Study {
    /// The answer given last in the session: the one on screen, or the one before while the
    /// next question is unanswered.
    fn last_answer(&self) -> Option<&Outcome> {
        match &self.current.outcome {
            Some(o) => Some(o),
            None => self.done.last().and_then(|v| v.outcome.as_ref()),
        }
    }

    /// The effect that takes the last answer back, or why there is none yet (`status`).
    pub(crate) fn undo_last(&self, status: &mut Option<String>) -> Option<Effect> {
        let last = self.last_answer()?;
        match &last.saved {
            Some(s) => Some(Effect::UndoAnswer {
                review_id: s.review_id,
                card_before: s.card_before.clone(),
            }),
            None => {
                *status = Some("Still saving; try again in a moment.".to_string());
                None
            }
        }
    }

    /// What is left of a review session: (new, learning, due) cards, the one on screen
    /// included while it is unanswered.
    pub fn left(&self) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        let mut add = |id: &str, learning: bool| {
            if learning {
                counts.1 += 1;
            } else if self.new_ids.contains(id) {
                counts.0 += 1;
            } else {
                counts.2 += 1;
            }
        };
        if self.current.outcome.is_none() {
            add(&self.current.question.id, false);
        }
        for i in &self.queue {
            add(&i.question_id, i.not_before.is_some());
        }
        counts
    }
}

/// In review, a card that is in a short step comes back later in the same session once the
/// step is due, as Anki does.
fn requeue(st: &mut Study, card: &Card) {
    if st.mode != Mode::Review || !session::in_steps(card) {
        return;
    }
    if st.queue.iter().any(|i| i.question_id == card.question_id) {
        return;
    }
    st.queue.push(QueueItem {
        question_id: card.question_id.clone(),
        not_before: Some(card.due),
    });
    st.planned += 1;
}

pub fn update(app: &mut App, mut st: Box<Study>, action: Action, now: DateTime<Utc>) -> (Screen, Vec<Effect>) {
    let answered = st.current.outcome.is_some();
    match action {
        Action::Back => {
            if let Some(sr) = st.from_search.take() {
                return (Screen::Search(sr), vec![]);
            }
            if st.answered == 0 {
                return (Screen::Home, vec![Effect::RefreshDashboard]);
            }
            if answered {
                st.done.push(st.current.clone());
            }
            return (Screen::Summary(Summary::of(&app.pack, st, None, now)), vec![]);
        }
        Action::ScrollUp | Action::PageUp => {
            let step = if action == Action::PageUp { 10 } else { 3 };
            st.current.scroll = st.current.scroll.saturating_sub(step);
        }
        Action::ScrollDown | Action::PageDown => {
            let step = if action == Action::PageDown { 10 } else { 3 };
            st.current.scroll = st.current.scroll.saturating_add(step);
        }
        Action::Up if !answered => {
            let n = st.current.order.len();
            st.current.highlight = st.current.highlight.checked_sub(1).unwrap_or(n.saturating_sub(1));
        }
        Action::Down if !answered => {
            let n = st.current.order.len().max(1);
            st.current.highlight = (st.current.highlight + 1) % n;
        }
        Action::Up => st.current.scroll = st.current.scroll.saturating_sub(1),
        Action::Down => st.current.scroll = st.current.scroll.saturating_add(1),
        Action::Toggle(d) if !answered => st.current.toggle(d),
        Action::ToggleHighlighted if !answered => {
            let h = st.current.highlight;
            st.current.toggle(h);
        }
        Action::Enter if !answered => {
            if st.current.selected.is_empty() {
                app.status = Some("Choose an answer first (a-f or 1-6, or click an option).".to_string());
                return (Screen::Study(st), vec![]);
            }
            let q = &st.current.question;
            if let Some(hint_n) = (q.kind == Kind::Multiple).then(|| q.correct_set().len())
                && st.current.selected.len() != hint_n
            {
                app.status = Some(format!(
                    "This question asks for {hint_n} answers; you chose {}.",
                    st.current.selected.len()
                ));
                return (Screen::Study(st), vec![]);
            }
            let chosen = st.current.chosen_original();
            let correct = q.is_correct(&chosen);
            let auto = Rating::auto(correct);
            st.answered += 1;
            if correct {
                st.correct += 1;
            }
            let elapsed_ms = (now - st.current.shown_at).num_milliseconds().max(0);
            st.current.outcome = Some(Outcome {
                correct,
                auto,
                rating: auto,
                elapsed_ms,
                saved: None,
            });
            st.current.scroll = 0;
            let rec = AnswerRecord {
                question_id: q.id.clone(),
                skill: q.skill.clone(),
                difficulty: q.difficulty,
                mode: st.mode,
                chosen,
                correct,
                rating: auto,
                at: now,
                elapsed_ms,
            };
            return (Screen::Study(st), vec![Effect::SaveAnswer(rec)]);
        }
        Action::Rate(r) if answered => {
            let qid = st.current.question.id.clone();
            if let Some(o) = &mut st.current.outcome {
                if o.rating == r {
                    return (Screen::Study(st), vec![]);
                }
                match &o.saved {
                    Some(s) => {
                        o.rating = r;
                        let eff = Effect::Rerate {
                            review_id: s.review_id,
                            card_before: s.card_before.clone(),
                            question_id: qid,
                            rating: r,
                            at: s.at,
                        };
                        return (Screen::Study(st), vec![eff]);
                    }
                    None => app.status = Some("Still saving; try again in a moment.".to_string()),
                }
            }
        }
        // Undo works on the answer on screen, or just after: on the one before, while the next
        // question is still unanswered.
        Action::Undo => {
            let eff = st.undo_last(&mut app.status);
            return (Screen::Study(st), eff.into_iter().collect());
        }
        Action::Enter => return next_question(app, st, now),
        _ => {}
    }
    (Screen::Study(st), vec![])
}

/// Moves to the next question of the session, or to the summary.
fn next_question(app: &mut App, mut st: Box<Study>, now: DateTime<Utc>) -> (Screen, Vec<Effect>) {
    if st.current.outcome.is_some() && !st.done.last().is_some_and(|d| same_showing(d, &st.current)) {
        st.done.push(st.current.clone());
    }
    // Only what is due now, in queue order: a card in a learning step is never shown again
    // before its step is due (the same stem seconds after its key, graduated by two quick
    // "Good"s, teaches nothing). The session ends saying when such cards come back.
    while let Some(k) = st.queue.iter().position(|i| i.not_before.is_none_or(|t| t <= now)) {
        let item = st.queue.remove(k);
        if let Some(v) = app.view_for(&item.question_id, now) {
            st.current = v;
            st.looked_for_more = false;
            return (Screen::Study(st), vec![]);
        }
    }
    if let Some(sr) = st.from_search.take() {
        return (Screen::Search(sr), vec![]);
    }
    // A review ends only when nothing is due: the shell looks for cards that came due while
    // the session ran and carries on with them ([`App::carry_on_review`]).
    if st.mode == Mode::Review && !st.looked_for_more {
        return (Screen::Study(st), vec![Effect::ReviewMoreDue]);
    }
    let waiting = st.queue.iter().filter_map(|i| i.not_before).min();
    let next_due = waiting.or_else(|| {
        st.current
            .outcome
            .as_ref()
            .and_then(|o| o.saved.as_ref())
            .map(|s| s.next_due)
    });
    (Screen::Summary(Summary::of(&app.pack, st, next_due, now)), vec![])
}

pub fn title(_app: &App, st: &Study, now: DateTime<Utc>) -> Title {
    // A quiet counter of the time on the question, at the right.
    let right = st
        .current
        .outcome
        .is_none()
        .then(|| crate::mock::format_elapsed((now - st.current.shown_at).num_milliseconds()));
    Title {
        text: title_text(st),
        warn: false,
        right,
    }
}

fn title_text(st: &Study) -> String {
    let q = &st.current.question;
    let n = (st.answered + usize::from(st.current.outcome.is_none())).min(st.planned.max(1));
    // Review counts what is left as Anki does, new, learning and due apart, instead of a total
    // that grows as cards come back.
    if st.mode == crate::model::Mode::Review {
        let (new, learning, due) = st.left();
        return format!(
            " Review · {new} new · {learning} learning · {due} due · skill {} · difficulty {}",
            q.skill, q.difficulty
        );
    }
    // Progress first, the (clippable) session name last, the skill id once.
    let name = st
        .title
        .strip_prefix(&format!("skill {} ", q.skill))
        .unwrap_or(&st.title);
    format!(
        " {} · question {} of {} · skill {} · difficulty {} · {}",
        st.mode.title(),
        n,
        st.planned,
        q.skill,
        q.difficulty,
        name
    )
}

pub fn render(_app: &App, st: &Study, theme: Theme, f: &mut Frame, body: Rect, _now: DateTime<Utc>) {
    question(&st.current, theme, f, body);
}

/// The question's keys before the answer, and the feedback's after it.
pub fn bindings(_app: &App, st: &Study) -> Vec<Binding> {
    let Some(o) = &st.current.outcome else {
        // Once a question is answered, the next one can take it back ("just after").
        let after = !st.done.is_empty();
        let shown = |b: Binding, text: &str| if after { b } else { b.footer(text) };
        let mut v: Vec<Binding> = option_keys("a-f pick", "toggle an option (single answer: replace)").into();
        v.extend([
            shown(
                Binding::new(&[Key::Char(' ')], Action::ToggleHighlighted),
                "Space toggle",
            )
            .help("Space", "toggle the highlighted option"),
            shown(
                Binding::new(&[Key::Code(KeyCode::Up), Key::Char('k')], Action::Up),
                "↑↓ move",
            )
            .help("↑↓ j k", "move the highlight"),
            Binding::new(&[Key::Code(KeyCode::Enter)], Action::Enter)
                .footer("Enter submit")
                .help("Enter", "submit"),
        ]);
        if after {
            v.push(
                Binding::new(&[Key::Char('u'), Key::Ctrl('z')], Action::Undo)
                    .footer("u undo last answer")
                    .help("u Ctrl-Z", "take back the answer just given and answer it again"),
            );
        }
        v.extend([
            Binding::new(&[Key::Code(KeyCode::PageDown)], Action::PageDown)
                .footer("PgDn more")
                .help("PgUp PgDn", "scroll"),
            report_key(),
            Binding::text().help("mouse", "click an option, wheel to scroll"),
            help_key().footer("? help"),
            Binding::new(&[Key::Char('q')], Action::Back)
                .footer("q end")
                .help("q Esc", "end the session"),
        ]);
        return v;
    };
    let saved = o.saved.as_ref().filter(|s| s.previews.len() == 4);
    // Each rating with the interval it gives, as Anki shows them, when the scheduler has said.
    let ratings = match saved {
        Some(s) => ["Again", "Hard", "Good", "Easy"]
            .iter()
            .zip(&s.previews)
            .enumerate()
            .map(|(i, (name, due))| format!("{} {name} {}", i + 1, short_interval(*due - s.at)))
            .collect::<Vec<_>>()
            .join(" · "),
        None => "1 Again 2 Hard 3 Good 4 Easy".to_string(),
    };
    let mut v = vec![
        Binding::new(&[Key::Code(KeyCode::Enter), Key::Char(' ')], Action::Enter)
            .footer(format!("Enter next ({})", o.auto.label()))
            .help("Enter", "next question, with the rating shown"),
        Binding::range('1', '4', |c| match c {
            '1' => Action::Rate(Rating::Again),
            '2' => Action::Rate(Rating::Hard),
            '3' => Action::Rate(Rating::Good),
            _ => Action::Rate(Rating::Easy),
        })
        .footer(ratings)
        .help(
            "1 2 3 4",
            "rate Again/Hard/Good/Easy (the footer shows each one's interval)",
        ),
        Binding::new(&[Key::Char('u'), Key::Ctrl('z')], Action::Undo)
            .footer("u undo")
            .help("u Ctrl-Z", "take the answer back and answer again"),
    ];
    v.extend(feedback_keys());
    v.extend([
        report_key(),
        Binding::text().help("↑↓ PgUp PgDn", "scroll the feedback"),
    ]);
    // With the intervals the footer is full; the help still lists these.
    let (help, end) = (
        help_key(),
        Binding::new(&[Key::Char('q')], Action::Back).help("q Esc", "end the session"),
    );
    if saved.is_some() {
        v.extend([help, end]);
    } else {
        v.extend([help.footer("? help"), end.footer("q end")]);
    }
    v
}

/// Starting a session, and what the shell reports back about its answers.
impl App {
    /// Starts a study session on `queue` (question ids); unknown ids are skipped.
    pub(crate) fn start_study(&mut self, mode: Mode, title: String, queue: Vec<String>, now: DateTime<Utc>) {
        let mut items: Vec<QueueItem> = queue
            .into_iter()
            .filter(|id| self.pack.question(id).is_some())
            .map(|question_id| QueueItem {
                question_id,
                not_before: None,
            })
            .collect();
        if items.is_empty() {
            self.screen = Screen::Notice(Notice {
                title: mode.title().to_string(),
                lines: vec!["No questions match this choice.".to_string()],
                offer_practice: mode != Mode::Practice,
                drill: None,
            });
            return;
        }
        let first = items.remove(0);
        let planned = items.len() + 1;
        let Some(current) = self.view_for(&first.question_id, now) else {
            return;
        };
        self.screen = Screen::Study(Box::new(Study {
            mode,
            title,
            queue: items,
            new_ids: std::collections::HashSet::new(),
            from_search: None,
            answered: 0,
            correct: 0,
            planned,
            current,
            started_at: now,
            done: Vec::new(),
            looked_for_more: false,
        }));
    }

    /// The shell saved the answer: remember what is needed to re-rate it, and bring a
    /// (re)learning card back later in this review session.
    pub(crate) fn answer_saved(&mut self, review_id: i64, at: DateTime<Utc>, card_before: Card, card_after: &Card) {
        if let Screen::Study(st) = &mut self.screen
            && let Some(o) = &mut st.current.outcome
        {
            o.saved = Some(Saved {
                review_id,
                at,
                card_before,
                next_due: card_after.due,
                previews: Vec::new(),
                recall: None,
            });
            requeue(st, card_after);
        }
    }

    /// The shell worked out when each rating (Again to Easy) would bring the card back, and
    /// how likely FSRS thought recalling it was when it was asked.
    pub(crate) fn rating_previews(&mut self, previews: Vec<DateTime<Utc>>, recall: Option<f32>) {
        if let Screen::Study(st) = &mut self.screen
            && let Some(s) = st.current.outcome.as_mut().and_then(|o| o.saved.as_mut())
        {
            s.previews = previews;
            s.recall = recall;
        }
    }

    /// The shell re-rated the answer.
    pub(crate) fn rerated(&mut self, card_after: &Card) {
        if let Screen::Study(st) = &mut self.screen {
            if let Some(Saved { next_due, .. }) = st.current.outcome.as_mut().and_then(|o| o.saved.as_mut()) {
                *next_due = card_after.due;
            }
            st.queue
                .retain(|i| i.question_id != card_after.question_id || i.not_before.is_none());
            requeue(st, card_after);
        }
    }

    /// The shell took answer `review_id` back: the question is asked again as if it had just
    /// been shown, and the session's counts and queue forget the answer. It is the answer on
    /// screen, or the one before when the next question is already showing (that question goes
    /// back to the front of the queue).
    pub(crate) fn undone(&mut self, review_id: i64, now: DateTime<Utc>) {
        // From a summary: back into its session, on the question answered last.
        if let Screen::Summary(s) = &mut self.screen
            && let Some(mut st) = s.session.take()
        {
            if st.done.last().is_some_and(|d| same_showing(d, &st.current)) {
                st.done.pop();
            }
            self.screen = Screen::Study(st);
        }
        let Screen::Study(st) = &mut self.screen else {
            return;
        };
        let saved_id = |v: &QuestionView| v.outcome.as_ref().and_then(|o| o.saved.as_ref()).map(|s| s.review_id);
        if saved_id(&st.current) != Some(review_id) {
            if st.current.outcome.is_some() || st.done.last().and_then(saved_id) != Some(review_id) {
                return;
            }
            let Some(prev) = st.done.pop() else {
                return;
            };
            let next = std::mem::replace(&mut st.current, prev);
            st.queue.insert(
                0,
                QueueItem {
                    question_id: next.question.id,
                    not_before: None,
                },
            );
        }
        let Some(o) = st.current.outcome.take() else {
            return;
        };
        st.answered = st.answered.saturating_sub(1);
        if o.correct {
            st.correct = st.correct.saturating_sub(1);
        }
        // A relearning step the answer put back into the session goes with it.
        let id = st.current.question.id.clone();
        st.queue.retain(|i| i.question_id != id || i.not_before.is_none());
        st.current.selected.clear();
        st.current.scroll = 0;
        st.current.shown_at = now;
        self.status = Some("Answer taken back: it is not in your history. Answer again.".into());
    }

    /// At the end of a review, the cards that came due while it ran (maybe none): the session
    /// carries on with them, or ends with its summary.
    pub(crate) fn carry_on_review(&mut self, due: Vec<String>, now: DateTime<Utc>) {
        let screen = std::mem::replace(&mut self.screen, Screen::Home);
        let Screen::Study(mut st) = screen else {
            self.screen = screen;
            return;
        };
        let mut added = 0;
        for id in due {
            if id != st.current.question.id && !st.queue.iter().any(|i| i.question_id == id) {
                st.queue.push(QueueItem {
                    question_id: id,
                    not_before: None,
                });
                added += 1;
            }
        }
        st.planned += added;
        st.looked_for_more = true;
        let (screen, _) = next_question(self, st, now);
        self.screen = screen;
        if added > 0 {
            self.status = Some(format!(
                "{added} more card{} came due while you studied: carrying on.",
                if added == 1 { "" } else { "s" }
            ));
        }
    }
}
