//! Progress of long-running work: the library names each phase as it starts, and the
//! caller decides what, if anything, to show (the command line draws a spinner on a
//! terminal). Nothing here writes anywhere.

/// Told when each phase of a long piece of work starts.
pub trait Progress {
    /// A phase starts, named for people: "checking every combination of answers".
    fn phase(&self, name: &str);
}

/// Shows nothing: for library callers and tests.
pub struct Silent;

impl Progress for Silent {
    fn phase(&self, _name: &str) {}
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use crate::site::build::Finder;

    use super::*;

    /// Records the phases it is told of.
    #[derive(Default)]
    struct Recorder(RefCell<Vec<String>>);

    impl Progress for Recorder {
        fn phase(&self, name: &str) {
            self.0.borrow_mut().push(name.to_string());
        }
    }

    #[test]
    fn a_build_names_its_phases_in_order() {
        let recorder = Recorder::default();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let built = crate::site::build::build_with(root, None, Finder::Built, &recorder);
        assert!(!built.failed());
        assert_eq!(
            *recorder.0.borrow(),
            [
                "loading the directory and rules",
                "checking every combination of answers",
                "working out the finder's outcomes",
                "rendering the pages",
                "checking every link",
            ]
        );
    }
}
