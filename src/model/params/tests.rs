//! Tests of the parameter declarations, `Params::set` and the cross-key checks.

use super::*;

#[test]
fn every_spec_round_trips_its_default() {
    let specs = Params::specs();
    assert!(specs.len() > 60);
    let mut p = Params::default();
    for s in &specs {
        p.set(&s.key, &s.default)
            .unwrap_or_else(|e| panic!("{}: {e:?}", s.key));
    }
    assert_eq!(p, Params::default());
}

#[test]
fn defaults_are_inside_their_domains_and_consistent() {
    Params::default().check_consistency().unwrap();
}

#[test]
fn the_warning_step_budget_is_checked_before_a_run() {
    let mut p = Params::default();
    p.mobilisation.step_minutes = 1.0;
    p.mobilisation.horizon_hours = 240.0;
    p.check_consistency().unwrap();
    p.mobilisation.step_minutes = 0.1;
    let (keys, message) = p.check_consistency().unwrap_err();
    assert_eq!(keys[0], "mobilisation.step_minutes");
    assert!(message.contains("144000 time steps"), "{message}");
}

#[test]
fn set_refuses_out_of_range_wrong_type_and_unknown() {
    let mut p = Params::default();
    assert!(matches!(
        p.set("property.guided_price", &toml::Value::Float(-1.0)),
        Err(SetError::Invalid(_))
    ));
    assert!(matches!(
        p.set("property.guided_price", &toml::Value::Float(f64::NAN)),
        Err(SetError::Invalid(_))
    ));
    assert!(matches!(
        p.set("world.communities", &toml::Value::String("many".into())),
        Err(SetError::Invalid(_))
    ));
    assert!(matches!(
        p.set("world.communities", &toml::Value::Integer(-3)),
        Err(SetError::Invalid(_))
    ));
    assert_eq!(
        p.set("property.no_such_key", &toml::Value::Float(1.0)),
        Err(SetError::Unknown)
    );
    assert!(
        p.set(
            "owners.threshold_distribution",
            &toml::Value::String("cauchy".into())
        )
        .is_err()
    );
    p.set("old_compound.price_factor", &toml::Value::Float(0.8))
        .unwrap();
    assert_eq!(p.kind(CompoundKind::OldCompound).price_factor, 0.8);
    assert_eq!(p.kind(CompoundKind::NewEstate).price_factor, 1.3);
}

#[test]
fn shares_must_sum_to_one() {
    let mut p = Params::default();
    p.world.share_new_estate = 0.9;
    let (key, msg) = p.check_consistency().unwrap_err();
    assert_eq!(key[0], "world.share_new_estate");
    assert!(msg.contains("sum to 1"), "{msg}");
}
