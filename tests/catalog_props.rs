//! Property tests: the entity reader never panics, whatever bytes or entity-shaped JSON it is given, and
//! whatever it loads is consistent (every declared edge joins two loaded entities, no self-loops).

use latency_heatmap::catalog::{Catalog, Level};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Short strings that look like the parts of references and annotations, including the awkward characters.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9:/._ -]{0,12}",
        Just(String::new()),
        Just("component:default/a".to_owned()),
        Just("a".to_owned()),
        Just("b".to_owned()),
        "\\PC{0,8}",
    ]
}

fn relation() -> impl Strategy<Value = Value> {
    let types = prop_oneof![
        Just("dependsOn"),
        Just("dependencyOf"),
        Just("consumesApi"),
        Just("apiConsumedBy"),
        Just("apiProvidedBy"),
        Just("providesApi"),
        Just("partOf"),
        Just("hasPart"),
        Just("ownedBy"),
    ];
    (types, token()).prop_map(|(t, target)| json!({ "type": t, "targetRef": target }))
}

fn entity() -> impl Strategy<Value = Value> {
    let kind =
        prop_oneof![Just("Component"), Just("API"), Just("System"), Just("Domain"), Just("Resource"), Just("Widget")];
    (
        kind,
        token(),
        proptest::option::of(token()),
        proptest::option::of(proptest::collection::vec(relation(), 0..5)),
        proptest::collection::vec(token(), 0..3),
        token(),
        (token(), token()),
    )
        .prop_map(|(kind, name, namespace, relations, depends_on, system, (annotation_key, annotation_value))| {
            let mut entity = json!({
                "kind": kind,
                "metadata": {
                    "name": name,
                    "annotations": {
                        format!("latencyheatmap/{annotation_key}"): annotation_value,
                        "latencyheatmap/latency-slo": annotation_value,
                        "latencyheatmap/service-name": annotation_value,
                    },
                },
                "spec": { "dependsOn": depends_on, "consumesApis": depends_on, "system": system, "subcomponentOf": system },
            });
            if let (Some(namespace), Some(metadata)) = (namespace, entity.get_mut("metadata")) {
                metadata["namespace"] = Value::String(namespace);
            }
            if let Some(relations) = relations {
                entity["relations"] = Value::Array(relations);
            }
            entity
        })
}

fn check_consistent(catalog: &Catalog) {
    for edge in catalog.declared_edges() {
        assert!(catalog.entity(&edge.from).is_some() && catalog.entity(&edge.to).is_some());
        assert_ne!(edge.from, edge.to);
    }
    for entity in catalog.entities() {
        for level in [Level::Domain, Level::System, Level::Component] {
            let _ = catalog.group_of(&entity.entity_ref, level);
        }
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let (catalog, _) = Catalog::from_json(&bytes);
        check_consistent(&catalog);
    }

    #[test]
    fn arbitrary_entities_never_panic(entities in proptest::collection::vec(entity(), 0..12)) {
        let bytes = serde_json::to_vec(&entities).expect("entities as JSON");
        let (catalog, warnings) = Catalog::from_json(&bytes);
        check_consistent(&catalog);
        prop_assert!(catalog.len() <= entities.len());
        for warning in warnings {
            prop_assert!(!warning.to_string().is_empty());
        }
        let _ = catalog.declared_calls();
        let _ = catalog.entity_for_service("a");
    }
}
