//! Layout and move commands (`cli_layout.rs`): select-layout, resize-pane, swap-pane,
//! rotate-window, break-pane, join-pane, move-window, swap-window, link/unlink-window,
//! last-window, last-pane, select-pane.

use super::{unexpected, Ctx};
use crate::cli_layout::{LayoutCommand, SelectPaneArgs};
use crate::output::{self, Failure};
use tidemux_proto::{PaneDirection, Request, Response, SplitSize};

/// The command's name for error messages.
pub fn name(c: &LayoutCommand) -> &'static str {
    match c {
        LayoutCommand::SelectLayout { .. } => "select-layout",
        LayoutCommand::NextLayout(_) => "next-layout",
        LayoutCommand::PreviousLayout(_) => "previous-layout",
        LayoutCommand::ResizePane { .. } => "resize-pane",
        LayoutCommand::SwapPane { .. } => "swap-pane",
        LayoutCommand::RotateWindow { .. } => "rotate-window",
        LayoutCommand::BreakPane { .. } => "break-pane",
        LayoutCommand::JoinPane(_) => "join-pane",
        LayoutCommand::MovePane(_) => "move-pane",
        LayoutCommand::MoveWindow { .. } => "move-window",
        LayoutCommand::SwapWindow { .. } => "swap-window",
        LayoutCommand::LinkWindow(_) => "link-window",
        LayoutCommand::UnlinkWindow { .. } => "unlink-window",
        LayoutCommand::LastWindow(_) => "last-window",
        LayoutCommand::LastPane { .. } => "last-pane",
    }
}

/// Parses `CELLS` or `N%` (0..=100) for -x, -y, -l.
pub fn parse_size(s: &str, what: &str) -> Result<SplitSize, Failure> {
    let bad = || {
        Failure::new(
            "invalid",
            format!("bad {what} '{s}': expected CELLS (e.g. 20) or a percentage (e.g. 30%)"),
        )
    };
    if let Some(p) = s.strip_suffix('%') {
        let p: u8 = p.parse().map_err(|_| bad())?;
        if p > 100 {
            return Err(bad());
        }
        Ok(SplitSize::Percent(p))
    } else {
        Ok(SplitSize::Cells(s.parse().map_err(|_| bad())?))
    }
}

fn dir(up: bool, down: bool, left: bool, right: bool) -> Option<PaneDirection> {
    if up {
        Some(PaneDirection::Up)
    } else if down {
        Some(PaneDirection::Down)
    } else if left {
        Some(PaneDirection::Left)
    } else if right {
        Some(PaneDirection::Right)
    } else {
        None
    }
}

fn simple(ctx: &Ctx, req: Request) -> Result<(), Failure> {
    ctx.call(req)?;
    ctx.done();
    Ok(())
}

/// The request of `select-pane` with its flags.
pub fn select_pane_request(a: SelectPaneArgs) -> Request {
    Request::SelectPane {
        target: a.target.target,
        direction: dir(a.up, a.down, a.left, a.right),
        last: a.last,
        title: a.title,
        mark: a.mark,
        unmark: a.unmark,
        keep_zoom: a.keep_zoom,
    }
}

/// Runs one of the layout commands.
pub fn run(ctx: &Ctx, c: LayoutCommand) -> Result<(), Failure> {
    match c {
        LayoutCommand::SelectLayout {
            target,
            spread,
            next,
            previous,
            old,
            layout,
        } => simple(
            ctx,
            Request::SelectLayout {
                target: target.target,
                layout,
                next,
                previous,
                spread,
                old,
            },
        ),
        LayoutCommand::NextLayout(t) => simple(
            ctx,
            Request::SelectLayout {
                target: t.target,
                layout: None,
                next: true,
                previous: false,
                spread: false,
                old: false,
            },
        ),
        LayoutCommand::PreviousLayout(t) => simple(
            ctx,
            Request::SelectLayout {
                target: t.target,
                layout: None,
                next: false,
                previous: true,
                spread: false,
                old: false,
            },
        ),
        LayoutCommand::ResizePane {
            target,
            up,
            down,
            left,
            right,
            width,
            height,
            zoom,
            adjustment,
        } => {
            if adjustment == Some(0) {
                return Err(Failure::new(
                    "invalid",
                    "adjustment too small: give 1 or more cells",
                ));
            }
            simple(
                ctx,
                Request::ResizePane {
                    target: target.target,
                    direction: dir(up, down, left, right),
                    adjustment,
                    width: width
                        .as_deref()
                        .map(|w| parse_size(w, "width"))
                        .transpose()?,
                    height: height
                        .as_deref()
                        .map(|h| parse_size(h, "height"))
                        .transpose()?,
                    zoom,
                },
            )
        }
        LayoutCommand::SwapPane {
            source,
            target,
            up,
            down,
            detached,
            keep_zoom,
        } => simple(
            ctx,
            Request::SwapPane {
                source: source.source,
                target: target.target,
                direction: dir(up, down, false, false),
                detached,
                keep_zoom,
            },
        ),
        LayoutCommand::RotateWindow {
            target,
            up: _,
            down,
            keep_zoom,
        } => simple(
            ctx,
            Request::RotateWindow {
                target: target.target,
                down,
                keep_zoom,
            },
        ),
        LayoutCommand::BreakPane {
            source,
            target,
            name,
            detached,
            after,
            before,
            print,
        } => {
            let r = ctx.call(Request::BreakPane {
                source: source.source,
                target,
                name,
                detached,
                after,
                before,
                print_format: print
                    .print
                    .then(|| print.format.clone().unwrap_or_default()),
            })?;
            match r {
                Response::Created(c) => {
                    if ctx.json {
                        output::json(&c);
                    } else if print.print {
                        output::line(c.text.as_deref().unwrap_or_default());
                    }
                    Ok(())
                }
                other => Err(unexpected(&other)),
            }
        }
        LayoutCommand::JoinPane(a) | LayoutCommand::MovePane(a) => simple(
            ctx,
            Request::JoinPane {
                source: a.source.source,
                target: a.target.target,
                horizontal: a.horizontal,
                size: a
                    .size
                    .as_deref()
                    .map(|s| parse_size(s, "size"))
                    .transpose()?,
                before: a.before,
                full: a.full,
                detached: a.detached,
            },
        ),
        LayoutCommand::MoveWindow { args, renumber } => simple(
            ctx,
            Request::MoveWindow {
                source: args.source.source,
                target: args.target,
                after: args.after,
                before: args.before,
                detached: args.detached,
                kill: args.kill,
                renumber,
            },
        ),
        LayoutCommand::SwapWindow {
            source,
            target,
            detached,
        } => simple(
            ctx,
            Request::SwapWindow {
                source: source.source,
                target: target.target,
                detached,
            },
        ),
        LayoutCommand::LinkWindow(a) => simple(
            ctx,
            Request::LinkWindow {
                source: a.source.source,
                target: a.target,
            },
        ),
        LayoutCommand::UnlinkWindow { target, kill } => simple(
            ctx,
            Request::UnlinkWindow {
                target: target.target,
                kill,
            },
        ),
        LayoutCommand::LastWindow(t) => simple(ctx, Request::LastWindow { target: t.target }),
        LayoutCommand::LastPane { target, keep_zoom } => simple(
            ctx,
            Request::LastPane {
                target: target.target,
                keep_zoom,
            },
        ),
    }
}
