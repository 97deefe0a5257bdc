//! Edge routes: a polyline from the source's border through each bend (dummy) to the target's border, in the
//! input direction even when the edge was reversed, ready to be smoothed into a curve. Self-loops get a small
//! rectangular loop on the node's right side.
//!
//! Owns points only; which nodes a route passes is decided by `normalize.rs` and where they are by `position.rs`.

use super::output::Point;

/// A node's box by centre and size.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NodeBox {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// Where the segment from the centre of `node` towards `towards` leaves the node's border (dagre's
/// `intersectRect`). A zero-size node's border is its centre.
pub(crate) fn border_point(node: NodeBox, towards: Point) -> Point {
    let (dx, dy) = (towards.x - node.x, towards.y - node.y);
    let (hw, hh) = (node.width / 2.0, node.height / 2.0);
    if (dx == 0.0 && dy == 0.0) || (hw == 0.0 && hh == 0.0) {
        // No direction to go: leave through the bottom (the side edges usually use in this layout).
        return Point { x: node.x, y: node.y + hh };
    }
    let (sx, sy) = if dy.abs() * hw > dx.abs() * hh {
        let sy = if dy < 0.0 { -hh } else { hh };
        (sy * dx / dy, sy)
    } else {
        let sx = if dx < 0.0 { -hw } else { hw };
        (sx, sx * dy / dx)
    };
    Point { x: node.x + sx, y: node.y + sy }
}

/// Route from `source` via `bends` to `target`, both ends on the borders.
pub(crate) fn route(source: NodeBox, bends: &[Point], target: NodeBox) -> Vec<Point> {
    let centre = |b: NodeBox| Point { x: b.x, y: b.y };
    let first_aim = bends.first().copied().unwrap_or_else(|| centre(target));
    let last_aim = bends.last().copied().unwrap_or_else(|| centre(source));
    let mut points = Vec::with_capacity(bends.len() + 2);
    points.push(border_point(source, first_aim));
    points.extend_from_slice(bends);
    points.push(border_point(target, last_aim));
    points
}

/// A loop leaving the right side of `node` and coming back to it, `size` wide.
pub(crate) fn self_loop(node: NodeBox, size: f64) -> Vec<Point> {
    let right = node.x + node.width / 2.0;
    let (top, bottom) = (node.y - node.height / 4.0, node.y + node.height / 4.0);
    vec![
        Point { x: right, y: top },
        Point { x: right + size, y: top },
        Point { x: right + size, y: bottom },
        Point { x: right, y: bottom },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const NODE: NodeBox = NodeBox { x: 0.0, y: 0.0, width: 100.0, height: 40.0 };

    #[test]
    fn straight_down_leaves_through_the_bottom() {
        assert_eq!(border_point(NODE, Point { x: 0.0, y: 100.0 }), Point { x: 0.0, y: 20.0 });
    }

    #[test]
    fn shallow_angle_leaves_through_the_side() {
        assert_eq!(border_point(NODE, Point { x: 200.0, y: 20.0 }), Point { x: 50.0, y: 5.0 });
    }

    #[test]
    fn zero_size_node_is_its_own_border() {
        let dot = NodeBox { width: 0.0, height: 0.0, ..NODE };
        assert_eq!(border_point(dot, Point { x: 0.0, y: 10.0 }), Point { x: 0.0, y: 0.0 });
    }

    #[test]
    fn route_ends_on_both_borders() {
        let target = NodeBox { y: 100.0, ..NODE };
        let points = route(NODE, &[], target);
        assert_eq!(points, vec![Point { x: 0.0, y: 20.0 }, Point { x: 0.0, y: 80.0 }]);
    }
}
