//! The pathway map's drawing, made at build time: the questions in asking order, each
//! a box saying which answers lead where, joined by arrows, ending in "Where to refer".
//!
//! A drawing of every diagram node would be unreadable (the example has dozens), so
//! this is the question-level flow: an arrow from question A to B when some answer to
//! A can lead straight to B (the questions between them do not matter on that path).
//! Arrows to the next box go straight down; longer ones run in lanes on the right,
//! each lane shared only by arrows whose spans do not overlap. Every text is escaped.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::engine::Diagram;
use crate::site::journey::choices;

const LEFT: u32 = 8;
const BOX_WIDTH: u32 = 420;
const LINE: u32 = 19;
const PAD: u32 = 12;
const GAP: u32 = 40;
const LANE: u32 = 14;
/// Characters per line in a box, for the 15px font used.
const WRAP: usize = 52;

/// Which answers of each asked question lead to which box (a later question's
/// index, or `questions.len()` for the results).
type Flow = BTreeMap<usize, BTreeMap<usize, BTreeSet<usize>>>;

/// The drawing as an `<svg>` element, ready to put in a page.
pub fn question_flow(diagram: &Diagram) -> String {
    let flow = flow(diagram);
    let results = diagram.questions.len();
    let mut boxes: Vec<usize> = flow.keys().copied().collect();
    boxes.push(results);
    let number: BTreeMap<usize, usize> = boxes.iter().enumerate().map(|(i, &q)| (q, i)).collect();
    let contents: Vec<Vec<(String, bool)>> = boxes
        .iter()
        .enumerate()
        .map(|(i, q)| box_lines(diagram, &flow, &number, i, *q))
        .collect();
    let mut tops = Vec::with_capacity(boxes.len());
    let mut y = LEFT;
    for lines in &contents {
        tops.push(y);
        y += box_height(lines.len()) + GAP;
    }
    let edges = edges(&flow, &number);
    let lanes = lanes(&edges);
    let lane_count = lanes.iter().copied().max().map_or(0, |m| m + 1);
    let width = LEFT + BOX_WIDTH + 16 + LANE * u32::try_from(lane_count).unwrap_or(0) + 8;
    let height = y - GAP + LEFT;
    let mut svg = format!(
        "<svg class=\"flow\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"flow-title\">\
         <title id=\"flow-title\">The questions in asking order and where each answer can lead</title>\
         <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" fill=\"#0b0c0c\"/></marker></defs>"
    );
    for (i, lines) in contents.iter().enumerate() {
        draw_box(
            &mut svg,
            tops.get(i).copied().unwrap_or(0),
            lines,
            i + 1 == boxes.len(),
        );
    }
    for ((from, to), lane) in edges.iter().zip(&lanes) {
        let bottom = |b: usize| {
            tops.get(b).copied().unwrap_or(0) + contents.get(b).map_or(0, |l| box_height(l.len()))
        };
        let top = |b: usize| tops.get(b).copied().unwrap_or(0);
        if *to == from + 1 {
            let x = LEFT + BOX_WIDTH / 2;
            let _ = write!(
                svg,
                "<path d=\"M{x} {}V{}\" class=\"flow__arrow\" fill=\"none\" stroke=\"#0b0c0c\" stroke-width=\"2\" marker-end=\"url(#arrow)\"/>",
                bottom(*from),
                top(*to) - 2
            );
        } else {
            let right = LEFT + BOX_WIDTH;
            let lane_x = right + 16 + LANE * u32::try_from(*lane).unwrap_or(0);
            let _ = write!(
                svg,
                "<path d=\"M{right} {}H{lane_x}V{}H{}\" class=\"flow__arrow\" fill=\"none\" stroke=\"#0b0c0c\" stroke-width=\"2\" marker-end=\"url(#arrow)\"/>",
                bottom(*from) - PAD,
                top(*to) + PAD,
                right + 2
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// For each question asked on some path, which answers lead to which next box.
fn flow(diagram: &Diagram) -> Flow {
    let results = diagram.questions.len();
    let mut flow: Flow = BTreeMap::new();
    let mut seen = BTreeSet::new();
    let mut stack = vec![diagram.root];
    while let Some(reference) = stack.pop() {
        let Some(node) = usize::try_from(reference)
            .ok()
            .and_then(|r| diagram.nodes.get(r))
        else {
            continue;
        };
        if !seen.insert(reference) {
            continue;
        }
        let question = node.0;
        for choice in choices(diagram, node) {
            let target = usize::try_from(choice.next)
                .ok()
                .and_then(|r| diagram.nodes.get(r))
                .map_or(results, |n| n.0);
            let values = flow.entry(question).or_default().entry(target).or_default();
            values.insert(choice.value);
            // A range choice stands for every value up to the next choice.
            let Some(q) = diagram.questions.get(question) else {
                continue;
            };
            let children = &node.1;
            values.extend(
                (choice.value..q.values.len())
                    .take_while(|&v| children.get(v) == Some(&choice.next)),
            );
            stack.push(choice.next);
        }
    }
    flow
}

/// The lines of box `i` (question `q`): its number and text, then one line per
/// place its answers lead. The bool marks the heading lines.
fn box_lines(
    diagram: &Diagram,
    flow: &Flow,
    number: &BTreeMap<usize, usize>,
    i: usize,
    q: usize,
) -> Vec<(String, bool)> {
    let Some(question) = diagram.questions.get(q) else {
        return vec![("Where to refer: the services and why".to_string(), true)];
    };
    let mut lines: Vec<(String, bool)> = wrap(&format!("{}. {}", i + 1, question.text))
        .into_iter()
        .map(|l| (l, true))
        .collect();
    for (target, values) in flow.get(&q).into_iter().flatten() {
        let answers = if values.len() == question.values.len() {
            "Any answer".to_string()
        } else if values.len() <= 3 {
            let labels: Vec<String> = values
                .iter()
                .filter_map(|&v| question.values.get(v))
                .map(|v| v.label.clone())
                .collect();
            crate::site::words::join(&labels, "or")
        } else {
            format!("{} of the answers", values.len())
        };
        let to = match diagram.questions.get(*target) {
            Some(_) => format!("question {}", number.get(target).map_or(0, |n| n + 1)),
            None => "where to refer".to_string(),
        };
        lines.extend(
            wrap(&format!("{answers} → {to}"))
                .into_iter()
                .map(|l| (l, false)),
        );
    }
    lines
}

fn box_height(lines: usize) -> u32 {
    2 * PAD + LINE * u32::try_from(lines).unwrap_or(0)
}

fn draw_box(svg: &mut String, top: u32, lines: &[(String, bool)], last: bool) {
    let height = box_height(lines.len());
    let fill = if last { "#dbe9f5" } else { "#ffffff" };
    let _ = write!(
        svg,
        "<g class=\"flow__box\"><rect x=\"{LEFT}\" y=\"{top}\" width=\"{BOX_WIDTH}\" height=\"{height}\" fill=\"{fill}\" stroke=\"#0b0c0c\" stroke-width=\"2\"/>"
    );
    for (n, (text, heading)) in lines.iter().enumerate() {
        let y = top + PAD + LINE * u32::try_from(n).unwrap_or(0) + 14;
        let weight = if *heading {
            " font-weight=\"bold\""
        } else {
            ""
        };
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{y}\" font-size=\"15\"{weight} fill=\"#0b0c0c\">{}</text>",
            LEFT + PAD,
            escape_xml(text)
        );
    }
    svg.push_str("</g>");
}

/// Arrows as (from box, to box), in box order.
fn edges(flow: &Flow, number: &BTreeMap<usize, usize>) -> Vec<(usize, usize)> {
    let mut edges: Vec<(usize, usize)> = flow
        .iter()
        .flat_map(|(q, targets)| targets.keys().map(move |t| (*q, *t)))
        .filter_map(|(q, t)| Some((*number.get(&q)?, *number.get(&t)?)))
        .collect();
    edges.sort_unstable();
    edges
}

/// A lane for each arrow longer than one step, so that arrows in one lane never overlap.
fn lanes(edges: &[(usize, usize)]) -> Vec<usize> {
    let mut busy_until: Vec<usize> = Vec::new();
    edges
        .iter()
        .map(|&(from, to)| {
            if to == from + 1 {
                return 0;
            }
            let lane = busy_until
                .iter()
                .position(|&end| end <= from)
                .unwrap_or(busy_until.len());
            if lane == busy_until.len() {
                busy_until.push(to);
            } else if let Some(end) = busy_until.get_mut(lane) {
                *end = to;
            }
            lane
        })
        .collect()
}

/// Splits text into lines of at most [`WRAP`] characters, at spaces.
fn wrap(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > WRAP {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Escapes text for SVG (XML) content and attributes.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_wrapped() {
        assert_eq!(
            escape_xml("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        let long = "word ".repeat(30);
        assert!(wrap(&long).iter().all(|l| l.chars().count() <= WRAP));
        assert_eq!(wrap(&long).join(" ").split_whitespace().count(), 30);
    }

    #[test]
    fn arrows_share_lanes_only_when_they_do_not_overlap() {
        let edges = [(0, 1), (0, 3), (1, 2), (1, 4), (3, 5)];
        assert_eq!(lanes(&edges), [0, 0, 0, 1, 0]);
    }
}
