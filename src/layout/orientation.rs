//! Direction handling: every phase lays out top to bottom; this module turns sizes on the way in and coordinates
//! on the way out for `BT`, `LR` and `RL`.
//!
//! Owns nothing else: no spacing, no packing.

use super::input::Direction;
use super::output::Layout;

/// A node's (across-ranks, along-ranks) extents for the top-to-bottom layout.
pub(crate) fn across_and_along(direction: Direction, width: f64, height: f64) -> (f64, f64) {
    match direction {
        Direction::TopToBottom | Direction::BottomToTop => (width, height),
        Direction::LeftToRight | Direction::RightToLeft => (height, width),
    }
}

/// Turns a finished top-to-bottom layout to `direction`. Sizes in `layout` are still the turned ones and are
/// turned back here.
pub(crate) fn orient(layout: &mut Layout, direction: Direction) {
    let (w, h) = (layout.width, layout.height);
    let map = |x: f64, y: f64| -> (f64, f64) {
        match direction {
            Direction::TopToBottom => (x, y),
            Direction::BottomToTop => (x, h - y),
            Direction::LeftToRight => (y, x),
            Direction::RightToLeft => (h - y, x),
        }
    };
    let transposed = matches!(direction, Direction::LeftToRight | Direction::RightToLeft);
    for node in &mut layout.nodes {
        (node.x, node.y) = map(node.x, node.y);
        if transposed {
            std::mem::swap(&mut node.width, &mut node.height);
        }
    }
    for group in &mut layout.groups {
        (group.x, group.y) = map(group.x, group.y);
        if transposed {
            std::mem::swap(&mut group.width, &mut group.height);
        }
    }
    for edge in &mut layout.edges {
        for p in &mut edge.points {
            (p.x, p.y) = map(p.x, p.y);
        }
    }
    if transposed {
        layout.width = h;
        layout.height = w;
    }
}
