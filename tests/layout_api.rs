//! Behaviour of `layout_graph` through the public API: the serde shapes the JavaScript side sees, the typed
//! errors for bad input, and the edge cases (self-loops, parallel edges, cycles, components, groups, minlen).

use latency_heatmap::layout::testing::complete_graph;
use latency_heatmap::layout::{
    layout_graph, Direction, EdgeInput, GroupInput, Layout, LayoutError, LayoutInput, LayoutOptions, NodeInput,
};

fn node(id: &str) -> NodeInput {
    NodeInput { id: id.into(), width: 100.0, height: 40.0, group: None }
}

fn edge(from: &str, to: &str) -> EdgeInput {
    EdgeInput { id: None, from: from.into(), to: to.into(), weight: 1.0, minlen: 1 }
}

fn lay_out(input: &LayoutInput) -> Layout {
    match layout_graph(input, &LayoutOptions::default()) {
        Ok(layout) => layout,
        Err(e) => panic!("layout failed: {e}"),
    }
}

fn node_at<'a>(layout: &'a Layout, id: &str) -> &'a latency_heatmap::layout::PlacedNode {
    layout.nodes.iter().find(|n| n.id == id).expect("node in output")
}

#[test]
fn reads_the_javascript_shape_with_defaults() {
    let input: LayoutInput = serde_json::from_str(
        r#"{"nodes":[{"id":"a","width":100,"height":40},{"id":"b","width":80,"height":30,"group":"sys"}],
            "edges":[{"from":"a","to":"b"}]}"#,
    )
    .expect("valid JSON");
    assert_eq!(input.edges[0].weight, 1.0);
    assert_eq!(input.edges[0].minlen, 1);
    let options: LayoutOptions = serde_json::from_str(r#"{"direction":"LR","groupPadding":8}"#).expect("options");
    assert_eq!(options.direction, Direction::LeftToRight);
    assert_eq!(options.nodesep, 50.0);
    assert_eq!(options.ranksep, 50.0);
    assert_eq!(options.group_padding, 8.0);
    let layout = layout_graph(&input, &options).expect("layout");
    assert_eq!(layout.groups.len(), 1, "group named only by a node is created");
}

#[test]
fn writes_the_javascript_shape() {
    let layout = lay_out(&LayoutInput { nodes: vec![node("a"), node("b")], edges: vec![edge("a", "b")], groups: vec![] });
    let json = serde_json::to_value(&layout).expect("serializes");
    for key in ["width", "height", "nodes", "edges", "groups", "stats"] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    for key in ["crossings", "layers", "dummies", "straightEdges", "ms"] {
        assert!(json["stats"].get(key).is_some(), "missing stats.{key}");
    }
    assert_eq!(json["edges"][0]["reversed"], false);
    assert_eq!(json["edges"][0]["id"], "0");
    assert!(json["edges"][0]["points"][0].get("x").is_some());
    assert_eq!(json["nodes"][0]["id"], "a");
    assert_eq!(layout.stats.ms, 0.0);
    assert_eq!(layout.stats.layers, 2);
}

#[test]
fn unknown_endpoint_names_the_edge() {
    let input = LayoutInput { nodes: vec![node("a")], edges: vec![edge("a", "a"), edge("a", "ghost")], groups: vec![] };
    let err = layout_graph(&input, &LayoutOptions::default()).unwrap_err();
    assert!(matches!(err, LayoutError::UnknownEndpoint { index: 1, .. }));
    let text = err.to_string();
    assert!(text.contains("edge 1") && text.contains("\"ghost\"") && text.contains("target"), "{text}");
}

#[test]
fn duplicate_node_id_is_refused() {
    let input = LayoutInput { nodes: vec![node("a"), node("b"), node("a")], ..Default::default() };
    let err = layout_graph(&input, &LayoutOptions::default()).unwrap_err();
    assert_eq!(err, LayoutError::DuplicateNode { index: 2, id: "a".into(), first: 0 });
}

#[test]
fn bad_sizes_are_refused() {
    for (width, height) in [(f64::NAN, 1.0), (1.0, -1.0), (f64::INFINITY, 1.0)] {
        let input =
            LayoutInput { nodes: vec![NodeInput { id: "a".into(), width, height, group: None }], ..Default::default() };
        let err = layout_graph(&input, &LayoutOptions::default()).unwrap_err();
        assert!(matches!(err, LayoutError::InvalidSize { index: 0, .. }), "{err}");
    }
}

#[test]
fn bad_weight_and_options_are_refused() {
    let mut input = LayoutInput { nodes: vec![node("a"), node("b")], edges: vec![edge("a", "b")], groups: vec![] };
    input.edges[0].weight = f64::NAN;
    assert!(matches!(layout_graph(&input, &LayoutOptions::default()), Err(LayoutError::InvalidWeight { .. })));
    input.edges[0].weight = 1.0;
    let options = LayoutOptions { nodesep: -1.0, ..LayoutOptions::default() };
    let err = layout_graph(&input, &options).unwrap_err();
    assert_eq!(err, LayoutError::InvalidOption { name: "nodesep", value: -1.0 });
}

#[test]
fn group_errors_are_refused() {
    let mut input = LayoutInput { nodes: vec![node("a")], ..Default::default() };
    input.groups = vec![GroupInput { id: "x".into(), parent: Some("nowhere".into()), label: None }];
    assert!(matches!(layout_graph(&input, &LayoutOptions::default()), Err(LayoutError::UnknownGroup { .. })));
    input.groups = vec![
        GroupInput { id: "x".into(), parent: Some("y".into()), label: None },
        GroupInput { id: "y".into(), parent: Some("x".into()), label: None },
    ];
    let err = layout_graph(&input, &LayoutOptions::default()).unwrap_err();
    assert!(matches!(err, LayoutError::GroupCycle { .. }));
    assert!(err.to_string().contains("x -> y -> x") || err.to_string().contains("y -> x -> y"), "{err}");
    input.groups = vec![
        GroupInput { id: "x".into(), parent: None, label: None },
        GroupInput { id: "x".into(), parent: None, label: None },
    ];
    assert!(matches!(layout_graph(&input, &LayoutOptions::default()), Err(LayoutError::DuplicateGroup { .. })));
}

#[test]
fn empty_graph_is_empty() {
    let layout = lay_out(&LayoutInput::default());
    assert_eq!((layout.width, layout.height), (0.0, 0.0));
    assert!(layout.nodes.is_empty());
}

#[test]
fn self_loop_gets_a_small_loop_on_its_node() {
    let layout = lay_out(&LayoutInput { nodes: vec![node("a")], edges: vec![edge("a", "a")], groups: vec![] });
    let a = node_at(&layout, "a");
    let points = &layout.edges[0].points;
    assert_eq!(points.len(), 4);
    assert!(!layout.edges[0].reversed);
    for p in [points[0], points[3]] {
        assert!((p.x - (a.x + a.width / 2.0)).abs() < 1e-9);
    }
    assert!(points.iter().all(|p| p.x <= layout.width + 1e-9));
}

#[test]
fn parallel_edges_are_each_routed() {
    let layout = lay_out(&LayoutInput {
        nodes: vec![node("a"), node("b")],
        edges: vec![edge("a", "b"), edge("a", "b"), edge("b", "a")],
        groups: vec![],
    });
    assert_eq!(layout.edges.len(), 3);
    assert!(layout.edges.iter().all(|e| e.points.len() >= 2));
    assert_eq!(layout.edges.iter().filter(|e| e.reversed).count(), 1);
    assert!(layout.edges[2].reversed, "the minority direction is the one turned");
}

#[test]
fn a_cycle_is_drawn_with_one_reversed_edge() {
    let layout = lay_out(&LayoutInput {
        nodes: vec![node("a"), node("b"), node("c")],
        edges: vec![edge("a", "b"), edge("b", "c"), edge("c", "a")],
        groups: vec![],
    });
    assert_eq!(layout.edges.iter().filter(|e| e.reversed).count(), 1);
    assert_eq!(layout.stats.layers, 3);
}

#[test]
fn minlen_stretches_an_edge() {
    let mut long = edge("a", "b");
    long.minlen = 3;
    let layout = lay_out(&LayoutInput { nodes: vec![node("a"), node("b")], edges: vec![long], groups: vec![] });
    assert_eq!(layout.stats.layers, 4);
    assert_eq!(layout.stats.dummies, 2);
    assert_eq!(layout.edges[0].points.len(), 4);
}

#[test]
fn components_sit_side_by_side() {
    let layout = lay_out(&LayoutInput {
        nodes: vec![node("a"), node("b"), node("c"), node("d")],
        edges: vec![edge("a", "b"), edge("c", "d")],
        groups: vec![],
    });
    let (a, c) = (node_at(&layout, "a"), node_at(&layout, "c"));
    assert!(c.x - c.width / 2.0 >= a.x + a.width / 2.0 + 50.0 - 1e-9);
    assert_eq!(a.y, c.y, "tops aligned");
}

#[test]
fn directions_put_sources_where_expected() {
    let input = LayoutInput { nodes: vec![node("a"), node("b")], edges: vec![edge("a", "b")], groups: vec![] };
    let at = |direction| {
        let layout = layout_graph(&input, &LayoutOptions { direction, ..LayoutOptions::default() }).expect("layout");
        let (a, b) = (node_at(&layout, "a").clone(), node_at(&layout, "b").clone());
        (a, b, layout)
    };
    let (a, b, _) = at(Direction::TopToBottom);
    assert!(a.y < b.y);
    let (a, b, _) = at(Direction::BottomToTop);
    assert!(a.y > b.y);
    let (a, b, layout) = at(Direction::LeftToRight);
    assert!(a.x < b.x);
    assert_eq!((a.width, a.height), (100.0, 40.0), "sizes come back as given");
    assert_eq!(layout.width, 100.0 + 50.0 + 100.0);
    let (a, b, _) = at(Direction::RightToLeft);
    assert!(a.x > b.x);
}

#[test]
fn nested_groups_hold_their_members() {
    let mut nodes = vec![node("a"), node("b"), node("c"), node("d")];
    nodes[0].group = Some("inner".into());
    nodes[1].group = Some("outer".into());
    nodes[2].group = Some("other".into());
    let layout = lay_out(&LayoutInput {
        nodes,
        edges: vec![edge("a", "b"), edge("b", "c"), edge("d", "a")],
        groups: vec![
            GroupInput { id: "outer".into(), parent: None, label: Some("System".into()) },
            GroupInput { id: "inner".into(), parent: Some("outer".into()), label: None },
        ],
    });
    let ids: Vec<&str> = layout.groups.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids, vec!["outer", "inner", "other"]);
    let contains = |g: &latency_heatmap::layout::PlacedGroup, x: f64, y: f64, w: f64, h: f64| {
        g.x - g.width / 2.0 <= x - w / 2.0 + 1e-9
            && x + w / 2.0 <= g.x + g.width / 2.0 + 1e-9
            && g.y - g.height / 2.0 <= y - h / 2.0 + 1e-9
            && y + h / 2.0 <= g.y + g.height / 2.0 + 1e-9
    };
    let (outer, inner) = (&layout.groups[0], &layout.groups[1]);
    let (a, b) = (node_at(&layout, "a"), node_at(&layout, "b"));
    assert!(contains(inner, a.x, a.y, a.width, a.height));
    assert!(contains(outer, b.x, b.y, b.width, b.height));
    assert!(contains(outer, inner.x, inner.y, inner.width, inner.height));
}

#[test]
fn absurd_minlen_is_refused_not_allocated() {
    let mut long = edge("a", "b");
    long.minlen = u32::MAX;
    let input = LayoutInput { nodes: vec![node("a"), node("b")], edges: vec![long], groups: vec![] };
    let err = layout_graph(&input, &LayoutOptions::default()).unwrap_err();
    assert!(matches!(err, LayoutError::MinlenTooLarge { index: 0, .. }), "{err}");
}

#[test]
fn huge_weights_and_sizes_do_not_panic() {
    let mut heavy = edge("a", "b");
    heavy.weight = 1e300;
    let mut nodes = vec![node("a"), node("b")];
    // The largest size accepted (1e300 was accepted before sizes got their bound; see `absurd_sizes_...`).
    nodes[0].width = 1e6;
    let input = LayoutInput { nodes, edges: vec![heavy, edge("b", "a")], groups: vec![] };
    assert!(layout_graph(&input, &LayoutOptions::default()).is_ok());
}

#[test]
fn routes_carry_their_edge_ids() {
    let input: LayoutInput = serde_json::from_str(
        r#"{"nodes":[{"id":"a","width":100,"height":40},{"id":"b","width":100,"height":40}],
            "edges":[{"id":"a→b:sync","from":"a","to":"b"},{"id":"a→b:async","from":"a","to":"b"},
                     {"from":"b","to":"a"}]}"#,
    )
    .expect("valid JSON");
    assert_eq!(input.edges[0].id.as_deref(), Some("a→b:sync"));
    assert_eq!(input.edges[2].id, None);
    let layout = lay_out(&input);
    let ids: Vec<&str> = layout.edges.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, vec!["a→b:sync", "a→b:async", "2"], "given ids, else the index");
    let json = serde_json::to_value(&layout).expect("serializes");
    assert_eq!(json["edges"][1]["id"], "a→b:async");
}

#[test]
fn duplicate_edge_id_is_refused() {
    let mut first = edge("a", "b");
    first.id = Some("call".into());
    let mut second = edge("b", "a");
    second.id = Some("call".into());
    let input = LayoutInput { nodes: vec![node("a"), node("b")], edges: vec![first, second], groups: vec![] };
    let err = layout_graph(&input, &LayoutOptions::default()).unwrap_err();
    assert_eq!(err.to_string(), r#"edge 1 ("b" -> "a"): duplicate id "call", already used by edge 0"#);

    // An id standing in for a missing one (the index) collides like any other.
    let mut named = edge("a", "b");
    named.id = Some("1".into());
    let input = LayoutInput { nodes: vec![node("a"), node("b")], edges: vec![named, edge("a", "b")], groups: vec![] };
    let err = layout_graph(&input, &LayoutOptions::default()).unwrap_err();
    assert_eq!(
        err,
        LayoutError::DuplicateEdge { index: 1, from: "a".into(), to: "b".into(), id: "1".into(), first: 0 }
    );
}

#[test]
fn absurd_spacings_are_refused_with_the_bound() {
    let input = LayoutInput { nodes: vec![node("a"), node("b")], edges: vec![edge("a", "b")], groups: vec![] };
    let cases: [(&str, LayoutOptions); 4] = [
        ("ranksep", LayoutOptions { ranksep: 1e308, ..LayoutOptions::default() }),
        ("nodesep", LayoutOptions { nodesep: 1e7, ..LayoutOptions::default() }),
        ("edgesep", LayoutOptions { edgesep: f64::INFINITY, ..LayoutOptions::default() }),
        ("groupPadding", LayoutOptions { group_padding: f64::NAN, ..LayoutOptions::default() }),
    ];
    let mut messages = Vec::new();
    for (name, options) in cases {
        let err = layout_graph(&input, &options).unwrap_err();
        assert!(matches!(err, LayoutError::InvalidOption { name: n, .. } if n == name), "{err}");
        messages.push(err.to_string());
    }
    assert_eq!(
        messages,
        vec![
            "option ranksep is 1e308; it must be finite, from 0 to 1000000",
            "option nodesep is 10000000.0; it must be finite, from 0 to 1000000",
            "option edgesep is inf; it must be finite, from 0 to 1000000",
            "option groupPadding is NaN; it must be finite, from 0 to 1000000",
        ]
    );
}

#[test]
fn the_largest_accepted_spacings_give_finite_coordinates() {
    let input = LayoutInput {
        nodes: vec![node("a"), node("b"), node("c")],
        edges: vec![edge("a", "b"), edge("a", "c")],
        groups: vec![],
    };
    let options = LayoutOptions { ranksep: 1e6, nodesep: 1e6, edgesep: 1e6, ..LayoutOptions::default() };
    let layout = layout_graph(&input, &options).expect("layout");
    assert_eq!(layout.height, 40.0 + 1e6 + 40.0);
    assert_eq!(layout.width, 100.0 + 1e6 + 100.0);
    assert!(layout.edges.iter().flat_map(|e| &e.points).all(|p| p.x.is_finite() && p.y.is_finite()));
}

#[test]
fn absurd_sizes_are_refused_with_the_bound() {
    let mut nodes = vec![node("a"), node("b")];
    nodes[1].height = 1e300;
    let err = layout_graph(&LayoutInput { nodes, ..Default::default() }, &LayoutOptions::default()).unwrap_err();
    assert_eq!(err.to_string(), r#"node 1 ("b"): height is 1e300; sizes must be finite, from 0 to 1000000"#);
}

#[test]
fn past_the_budget_the_longest_edges_go_straight() {
    // The complete graph on 12 nodes stacks them one per rank; an edge spanning s ranks needs s - 1 bends. With
    // 10 bends allowed the 11 edges of span 1 and the 10 of span 2 keep their routes; the other 45 go straight.
    let input = complete_graph(12);
    let options = LayoutOptions { max_bends: Some(10), ..LayoutOptions::default() };
    let layout = layout_graph(&input, &options).expect("layout");
    assert_eq!(layout.stats.layers, 12);
    assert_eq!(layout.stats.dummies, 10);
    assert_eq!(layout.stats.straight_edges, 45);
    let by_points = |len: usize| layout.edges.iter().filter(|e| e.points.len() == len).count();
    assert_eq!((by_points(2), by_points(3)), (11 + 45, 10));
    let straight = layout.edges.iter().find(|e| e.from == "n0" && e.to == "n11").expect("edge n0 -> n11");
    assert_eq!(straight.points.len(), 2);

    // Within the default budget (at least 40 000 bends) all 220 bends are drawn.
    let layout = lay_out(&input);
    assert_eq!((layout.stats.dummies, layout.stats.straight_edges), (220, 0));
}

#[test]
fn the_default_budget_caps_a_complete_graph() {
    // 70 nodes one per rank would need 70·69·68/6 = 54 740 bends; the default allows 40 000, taken by the
    // shortest edges first (span s: 70 - s edges of s - 1 bends each) until the next one does not fit.
    let (mut bends, mut straight) = (0u32, 0u32);
    for span in 1..70u32 {
        for _ in 0..70 - span {
            if straight == 0 && bends + span - 1 <= 40_000 {
                bends += span - 1;
            } else {
                straight += 1;
            }
        }
    }
    assert_eq!((bends, straight), (39_975, 277), "the reference itself");
    let layout = lay_out(&complete_graph(70));
    assert_eq!(layout.stats.layers, 70);
    assert_eq!((layout.stats.dummies, layout.stats.straight_edges), (bends, straight));
    assert_eq!(layout.nodes.len(), 70);
}

#[test]
fn max_bends_reads_from_javascript() {
    let options: LayoutOptions = serde_json::from_str(r#"{"maxBends":500}"#).expect("options");
    assert_eq!(options.max_bends, Some(500));
    assert_eq!(LayoutOptions::default().max_bends, None);
}
