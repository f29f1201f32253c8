//! The TUI's state and its pure `update`: an [`Action`] comes in with `now`, the state changes,
//! and the [`Effect`]s that must happen outside (saving, loading, quitting) are returned for the
//! shell to carry out. Nothing here touches the terminal, the database or the clock.

use std::rc::Rc;

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::input::{Edit, InputPurpose, TextInput};
use super::question::QuestionView;
use super::screens::exam::ExamScreen;
use super::screens::exam_intro::ExamIntro;
use super::screens::history::HistoryScreen;
use super::screens::home::{DASHBOARD_REFRESH_SECS, MenuItem};
use super::screens::notice::Notice;
use super::screens::picker::{Picker, PickerFacts};
use super::screens::report::ReportScreen;
use super::screens::resume::ResumePrompt;
use super::screens::search::SearchScreen;
use super::screens::stats::StatsScreen;
use super::screens::study::Study;
use super::screens::summary::Summary;
use crate::model::{Mode, Pack};
use crate::session::{self, Filter, Subset};
use crate::srs::{Card, Rating};
use crate::study::Dashboard;
pub use crate::study::{AnswerRecord, Personal, SavedAnswer};

/// Keys resolve to these; screens never see a raw key event. The shell answers each effect it
/// carries out with actions too (the last group), so that [`update`] is the only writer of the
/// app's state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Enter,
    Back,
    /// `Esc`: back, like `Back`, but it never leaves the app (a screen opened from the command
    /// line goes back to home on `Esc`, to the shell on `q`).
    Escape,
    Quit,
    Help,
    Menu(MenuItem),
    /// Toggle the option at this display position.
    Toggle(usize),
    ToggleHighlighted,
    Rate(Rating),
    ScrollUp,
    ScrollDown,
    /// Start practice from a notice screen.
    OfferPractice,
    Tick,
    Left,
    Right,
    Next,
    Prev,
    Mark,
    Grid,
    /// Take back the answer whose feedback is on screen, or the one before while the next
    /// question is unanswered (`u`, `Ctrl-Z`).
    Undo,
    /// On a mock-exam report: practise the items missed (wrong or unanswered); on a session's
    /// summary: retry the questions missed.
    PractiseMissed,
    /// In the practice chooser: more or fewer questions.
    More,
    Fewer,
    /// In the practice chooser: the next subset (all, unseen, missed, bookmarked).
    CycleSubset,
    /// In the exam's review grid: the cursor to the next unanswered item (wrapping).
    NextUnanswered,
    /// In the exam's review grid: the cursor to the next marked item (wrapping).
    NextMarked,
    Submit,
    Yes,
    No,
    Discard,
    Filter(super::screens::report::ReviewFilter),
    /// Open the "report a problem with this question" note.
    ReportQuestion,
    /// Bookmark the question whose feedback is on screen, or take the bookmark off (`b`).
    Bookmark,
    /// Write or edit the personal note of the question whose feedback is on screen (`N`).
    Note,
    /// Open the bank search.
    Search,
    /// Typing in a text field.
    Char(char),
    /// Editing a text field.
    Edit(Edit),

    // ----- what the shell answers -----
    /// Home's dashboard, read from the store.
    Dashboard(Box<Dashboard>),
    /// A screen the shell built from the store: a report, the history, the stats, the exam,
    /// its intro or its resume prompt.
    Loaded(Box<Screen>),
    /// The chooser's counts and mastery: the chooser opens.
    PickerLoaded(Box<PickerFacts>),
    /// Start a session on these questions (in review, `new_ids` are its new cards).
    Study {
        mode: Mode,
        title: String,
        queue: Vec<String>,
        new_ids: std::collections::HashSet<String>,
    },
    /// The cards that came due while a review ran (maybe none): it carries on or ends.
    MoreDue(Vec<String>),
    /// A screen that only says something (`offer_practice`: `p` opens the chooser).
    Notice {
        title: String,
        lines: Vec<String>,
        offer_practice: bool,
    },
    /// A drill's plan: what it targets and why; `Enter` starts it with `queue`.
    DrillPlan {
        lines: Vec<String>,
        queue: Vec<String>,
    },
    /// The answer on screen is saved.
    AnswerSaved(Box<SavedAnswer>),
    /// The answer was re-rated: the card's new state.
    Rerated(Box<Card>),
    /// Answer `review_id` was taken back.
    Undone(i64),
    /// A line for the status row (an error, a note).
    Status(String),
    /// The shell is done: leave the loop.
    Stop,
}

/// What the shell must do after an update.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    RefreshDashboard,
    StartReview,
    /// A review session ran out of cards: cards that came due while it ran continue it.
    ReviewMoreDue,
    StartPractice {
        filter: Filter,
        count: usize,
        subset: Subset,
    },
    /// Open the practice chooser with the learner's counts and mastery.
    OpenPicker,
    StartDrill {
        count: usize,
    },
    /// Practise exactly these questions (a mock exam's missed items), in this order.
    StartPracticeOn {
        title: String,
        ids: Vec<String>,
    },
    /// Log a graded answer and reschedule the card (one transaction); the shell reports back
    /// with [`App::answer_saved`].
    SaveAnswer(AnswerRecord),
    /// Take back a saved answer: delete its review row and restore the card (one transaction);
    /// the shell reports back with [`App::undone`].
    UndoAnswer {
        review_id: i64,
        card_before: Card,
    },
    /// Change the rating of a saved answer; the card is rescheduled from its state before it.
    Rerate {
        review_id: i64,
        card_before: Card,
        question_id: String,
        rating: Rating,
        at: DateTime<Utc>,
    },
    /// Open the mock exam: the resume prompt when one is unfinished, else the intro.
    OpenExam(ExamOptions),
    /// Assemble and store a new exam, then show it.
    CreateExam {
        seed: u64,
        untimed: bool,
        extra_minutes: u32,
    },
    ResumeExam {
        exam_id: i64,
    },
    /// Delete the unfinished exam, then open the intro for a new one with the same options.
    DiscardExam {
        exam_id: i64,
        opts: ExamOptions,
    },
    SaveExamAnswer {
        exam_id: i64,
        position: usize,
        chosen: Vec<usize>,
    },
    SaveExamFlag {
        exam_id: i64,
        position: usize,
        flagged: bool,
    },
    SaveExamProgress {
        exam_id: i64,
        position: usize,
        elapsed_ms: i64,
    },
    /// Add `ms` to the time spent on an exam item.
    AddExamItemTime {
        exam_id: i64,
        position: usize,
        ms: i64,
    },
    /// Score the exam, log its answers, and show the report.
    FinishExam {
        exam_id: i64,
        elapsed_ms: i64,
        timed_out: bool,
    },
    OpenReport {
        exam_id: i64,
        from_history: bool,
    },
    OpenHistory,
    OpenStats,
    /// Bookmark a question, or take the bookmark off.
    SaveBookmark {
        question_id: String,
        on: bool,
    },
    /// Save a question's personal note; an empty note deletes it.
    SaveNote {
        question_id: String,
        text: String,
    },
    /// Record "this question is wrong or unclear" with the learner's note, the option order
    /// shown and the options chosen (original indices).
    SaveReport {
        question_id: String,
        note: String,
        shown_order: Vec<usize>,
        chosen: Vec<usize>,
    },
    Quit,
}

impl Effect {
    /// Whether carrying it out shows a screen (the update's own screen is a placeholder then).
    pub fn opens_a_screen(&self) -> bool {
        matches!(
            self,
            Effect::StartReview
                | Effect::ReviewMoreDue
                | Effect::StartPractice { .. }
                | Effect::OpenPicker
                | Effect::StartDrill { .. }
                | Effect::OpenExam(_)
                | Effect::CreateExam { .. }
                | Effect::ResumeExam { .. }
                | Effect::DiscardExam { .. }
                | Effect::OpenReport { .. }
                | Effect::OpenHistory
                | Effect::OpenStats
        )
    }
}

/// Options of a new mock exam; `None` takes the config's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExamOptions {
    pub seed: Option<u64>,
    pub untimed: Option<bool>,
    pub extra_minutes: Option<u32>,
    /// Resume the unfinished exam without asking.
    pub resume: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Home,
    Picker(Picker),
    Study(Box<Study>),
    Summary(Summary),
    Notice(Notice),
    Exam(Box<ExamScreen>),
    ExamIntro(ExamIntro),
    ResumePrompt(ResumePrompt),
    Report(Box<ReportScreen>),
    History(HistoryScreen),
    Stats(Box<StatsScreen>),
    Search(SearchScreen),
}

pub struct App {
    pub pack: Rc<Pack>,
    pub screen: Screen,
    pub menu_index: usize,
    pub help: bool,
    pub dash: Dashboard,
    /// A one-line message under the screen (errors, hints); cleared on the next key.
    pub status: Option<String>,
    pub color: bool,
    pub light: bool,
    /// Reference URLs as terminal hyperlinks (OSC 8); off in tests and on terminals that
    /// would print the escape sequence.
    pub hyperlinks: bool,
    pub practice_count: usize,
    pub drill_count: usize,
    pub rng: StdRng,
    pub quit: bool,
    /// Text being typed (a report note, a search), over any screen.
    pub input: Option<TextInput>,
    /// Home-screen keys that the config file overrides.
    pub key_overrides: Vec<(MenuItem, char)>,
    /// Opened straight on a screen from the command line (`cloudprep history`, `exam`, …):
    /// `q`/`Esc` that would go back to home go back to the shell instead.
    pub exit_on_home: bool,
    /// When home's dashboard was last asked for: it is refreshed every minute while home is on
    /// screen, so that "Due now" follows the clock.
    pub dash_at: Option<DateTime<Utc>>,
    /// The learner's bookmarks and notes, read once at start and kept in step with what is
    /// saved.
    pub personal: Personal,
}

impl Personal {
    /// Marks `v` with its bookmark and note.
    pub fn dress(&self, v: &mut QuestionView) {
        v.bookmarked = self.bookmarks.contains(&v.question.id);
        v.note = self.notes.get(&v.question.id).cloned();
    }
}

/// How the app starts: the config's settings and the learner's bookmarks and notes.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    pub seed: u64,
    pub color: bool,
    pub light: bool,
    pub hyperlinks: bool,
    pub practice_count: usize,
    pub drill_count: usize,
    /// Home-menu keys the config overrides.
    pub key_overrides: Vec<(MenuItem, char)>,
    /// Opened straight on a screen from the command line.
    pub exit_on_home: bool,
    pub personal: Personal,
}

impl App {
    /// The app as [`Setup`] says.
    pub fn configured(pack: Rc<Pack>, s: Setup) -> App {
        App {
            light: s.light,
            hyperlinks: s.hyperlinks,
            practice_count: s.practice_count,
            drill_count: s.drill_count,
            key_overrides: s.key_overrides,
            exit_on_home: s.exit_on_home,
            personal: s.personal,
            ..App::new(pack, s.seed, s.color)
        }
    }

    pub fn new(pack: Rc<Pack>, seed: u64, color: bool) -> App {
        App {
            pack,
            screen: Screen::Home,
            menu_index: 0,
            help: false,
            dash: Dashboard::default(),
            status: None,
            color,
            light: false,
            hyperlinks: false,
            practice_count: 10,
            drill_count: 10,
            rng: StdRng::seed_from_u64(seed),
            quit: false,
            input: None,
            key_overrides: Vec::new(),
            exit_on_home: false,
            dash_at: None,
            personal: Personal::default(),
        }
    }

    /// The key of a home-menu entry, after the config's overrides.
    pub fn menu_key(&self, m: MenuItem) -> char {
        self.key_overrides
            .iter()
            .find(|(x, _)| *x == m)
            .map(|(_, c)| *c)
            .unwrap_or_else(|| m.key())
    }

    pub(crate) fn view_for(&mut self, id: &str, now: DateTime<Utc>) -> Option<QuestionView> {
        let q = self.pack.question(id)?.clone();
        let order = session::shuffle_options(q.options.len(), &mut self.rng);
        let mut v = QuestionView::new(q, order, now);
        self.personal.dress(&mut v);
        Some(v)
    }

    /// The question whose feedback is on screen, to bookmark or annotate (mutable).
    fn feedback_view_mut(&mut self) -> Option<&mut QuestionView> {
        let v = match &mut self.screen {
            Screen::Study(st) => Some(&mut st.current),
            Screen::Report(r) => r.detail.as_mut().map(|(_, v)| v),
            Screen::Summary(s) => match s.detail {
                Some(i) => s.missed.get_mut(i),
                None => None,
            },
            _ => None,
        }?;
        v.outcome.is_some().then_some(v)
    }
}

/// The shell's answers to effects; any other action is handed back.
fn answer(app: &mut App, action: Action, now: DateTime<Utc>) -> Result<Vec<Effect>, Action> {
    match action {
        Action::Dashboard(d) => {
            app.dash = *d;
            app.dash_at = Some(now);
        }
        Action::Loaded(screen) => app.screen = *screen,
        Action::PickerLoaded(facts) => app.open_picker(*facts),
        Action::Study {
            mode,
            title,
            queue,
            new_ids,
        } => {
            app.start_study(mode, title, queue, now);
            if let Screen::Study(st) = &mut app.screen {
                st.new_ids = new_ids;
            }
        }
        Action::MoreDue(due) => app.carry_on_review(due, now),
        Action::Notice {
            title,
            lines,
            offer_practice,
        } => app.show_notice(&title, lines, offer_practice),
        Action::DrillPlan { lines, queue } => app.show_drill_plan(lines, queue),
        Action::AnswerSaved(s) => {
            let s = *s;
            app.answer_saved(s.review_id, s.at, s.card_before, &s.card_after);
            app.rating_previews(s.previews, s.recall);
        }
        Action::Rerated(card) => app.rerated(&card),
        Action::Undone(review_id) => app.undone(review_id, now),
        Action::Status(line) => app.status = Some(line),
        Action::Stop => app.quit = true,
        other => return Err(other),
    }
    Ok(Vec::new())
}

/// The pure update.
pub fn update(app: &mut App, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    let action = match answer(app, action, now) {
        Ok(effects) => return effects,
        Err(a) => a,
    };
    let escaped = action == Action::Escape;
    let action = if escaped { Action::Back } else { action };
    if action == Action::Tick {
        // Home's counts follow the clock: a refresh a minute.
        if matches!(app.screen, Screen::Home)
            && !app.help
            && app.input.is_none()
            && app
                .dash_at
                .is_none_or(|t| now - t >= chrono::Duration::seconds(DASHBOARD_REFRESH_SECS))
        {
            app.dash_at = Some(now);
            return vec![Effect::RefreshDashboard];
        }
        // Otherwise only the exam clock moves on its own.
        if let Screen::Exam(_) = &app.screen {
            let Screen::Exam(ex) = std::mem::replace(&mut app.screen, Screen::Home) else {
                return Vec::new();
            };
            let (mut screen, effects) = super::screens::exam::update(app, ex, action, now);
            // Five minutes left: said once, under the question.
            if let Screen::Exam(ex) = &mut screen
                && !ex.warned
                && ex.clock_within(now, crate::mock::CLOCK_ALERT_MIN)
            {
                ex.warned = true;
                app.status = Some(format!(
                    "⚠ {} minutes left: at 0:00 the exam is submitted as it stands.",
                    crate::mock::CLOCK_ALERT_MIN
                ));
            }
            app.screen = screen;
            return effects;
        }
        return Vec::new();
    }
    app.status = None;
    if action == Action::Quit {
        app.quit = true;
        // Leaving in the middle of an exam pauses it, as `q` does.
        if let Screen::Exam(ex) = &mut app.screen {
            let mut v = ex.save(now);
            ex.clock.pause(now);
            v.push(Effect::Quit);
            return v;
        }
        return vec![Effect::Quit];
    }
    if app.help {
        // Any key closes the help overlay.
        app.help = false;
        return Vec::new();
    }
    if let Some(input) = &mut app.input {
        match action {
            Action::Char(c) => input.insert(c),
            Action::Edit(e) => input.edit(e),
            Action::Back => app.input = None,
            Action::Enter => {
                let text = input.text.trim().to_string();
                let purpose = input.purpose.clone();
                app.input = None;
                match purpose {
                    InputPurpose::Report {
                        question_id,
                        shown_order,
                        chosen,
                    } => {
                        app.status = Some("Reported: thank you. `cloudprep reports` lists your reports.".to_string());
                        return vec![Effect::SaveReport {
                            question_id,
                            note: text,
                            shown_order,
                            chosen,
                        }];
                    }
                    InputPurpose::Note { question_id } => {
                        if text.is_empty() {
                            app.personal.notes.remove(&question_id);
                        } else {
                            app.personal.notes.insert(question_id.clone(), text.clone());
                        }
                        if let Some(v) = app.feedback_view_mut() {
                            v.note = (!text.is_empty()).then(|| text.clone());
                        }
                        app.status = Some(if text.is_empty() {
                            "Note deleted.".to_string()
                        } else {
                            "Note saved: it shows with this question's feedback from now on.".to_string()
                        });
                        return vec![Effect::SaveNote { question_id, text }];
                    }
                    InputPurpose::Search => {
                        let hits = session::search(&app.pack, &text);
                        app.screen = Screen::Search(SearchScreen {
                            query: text,
                            hits,
                            cursor: 0,
                        });
                    }
                }
            }
            _ => {}
        }
        return Vec::new();
    }
    if action == Action::ReportQuestion {
        if let Some(id) = current_question_id(app) {
            let (shown_order, chosen) = current_view(app)
                .map(|v| (v.order.clone(), v.chosen_original()))
                .unwrap_or_default();
            app.input = Some(TextInput::new(InputPurpose::Report {
                question_id: id,
                shown_order,
                chosen,
            }));
        }
        return Vec::new();
    }
    if action == Action::Search {
        app.input = Some(TextInput::new(InputPurpose::Search));
        return Vec::new();
    }
    if action == Action::Bookmark {
        let Some(v) = app.feedback_view_mut() else {
            return Vec::new();
        };
        v.bookmarked = !v.bookmarked;
        let (question_id, on) = (v.question.id.clone(), v.bookmarked);
        if on {
            app.personal.bookmarks.insert(question_id.clone());
        } else {
            app.personal.bookmarks.remove(&question_id);
        }
        app.status = Some(if on {
            "Bookmarked: practice's chooser takes the bookmarked questions with f.".to_string()
        } else {
            "Bookmark removed.".to_string()
        });
        return vec![Effect::SaveBookmark { question_id, on }];
    }
    if action == Action::Note {
        if let Some(v) = app.feedback_view_mut() {
            let mut input = TextInput::new(InputPurpose::Note {
                question_id: v.question.id.clone(),
            });
            input.text = v.note.clone().unwrap_or_default();
            input.cursor = input.text.chars().count();
            app.input = Some(input);
        }
        return Vec::new();
    }
    if action == Action::Help {
        app.help = true;
        return Vec::new();
    }
    let screen = std::mem::replace(&mut app.screen, Screen::Home);
    use super::screens::*;
    let back = action == Action::Back;
    let (screen, effects) = match screen {
        Screen::Home => home::update(app, action, now),
        Screen::Picker(p) => picker::update(app, p, action, now),
        Screen::Study(st) => study::update(app, st, action, now),
        Screen::Summary(s) => summary::update(app, s, action, now),
        Screen::Notice(n) => notice::update(app, n, action, now),
        Screen::Exam(ex) => exam::update(app, ex, action, now),
        Screen::ExamIntro(i) => exam_intro::update(app, i, action, now),
        Screen::ResumePrompt(p) => resume::update(app, p, action, now),
        Screen::Report(r) => report::update(app, r, action, now),
        Screen::History(h) => history::update(app, h, action, now),
        Screen::Stats(st) => stats::update(app, st, action, now),
        Screen::Search(sr) => search::update(app, sr, action, now),
    };
    let mut effects = effects;
    if app.exit_on_home
        && back
        && !escaped
        && matches!(screen, Screen::Home)
        && !effects.iter().any(Effect::opens_a_screen)
        && !effects.contains(&Effect::Quit)
    {
        effects.push(Effect::Quit);
    }
    if effects.contains(&Effect::Quit) {
        app.quit = true;
    }
    app.screen = screen;
    effects
}

/// The question on screen, if any (study, exam, or an exam item under review).
pub fn current_view(app: &App) -> Option<&QuestionView> {
    match &app.screen {
        Screen::Study(st) => Some(&st.current),
        Screen::Exam(ex) => ex.items.get(ex.pos).map(|i| &i.view),
        Screen::Report(r) => r.detail.as_ref().map(|(_, v)| v),
        Screen::Summary(s) => s.detail.and_then(|i| s.missed.get(i)),
        _ => None,
    }
}

pub fn current_question_id(app: &App) -> Option<String> {
    current_view(app).map(|v| v.question.id.clone())
}
