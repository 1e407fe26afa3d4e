//! The timeline chart as inline SVG, drawn in Rust: one lane per namespace
//! or node, one mark per Warning event, container termination or node
//! condition change, and the snapshot time marked. Every text taken from
//! the dump is XML-escaped here, since the template inserts the SVG as is.

use super::tables::Timeline;
use std::fmt::Write;

const WIDTH: f64 = 960.0;
const LEFT: f64 = 170.0;
const RIGHT: f64 = 20.0;
const LANE: f64 = 26.0;
const TOP: f64 = 30.0;

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

pub fn timeline(t: &Timeline) -> String {
    let secs = |s: &str| crate::time::parse(s).map(|t| t.as_second());
    let (Some(start), Some(end)) = (
        t.start.as_deref().and_then(secs),
        t.end.as_deref().and_then(secs),
    ) else {
        return String::from("<p class=\"muted\">No dated events, terminations or condition changes in the dump.</p>");
    };
    let end = end.max(start + 60);
    let span = (end - start) as f64;
    let height = TOP + LANE * t.lanes.len() as f64 + 30.0;
    let x = |s: i64| LEFT + (s - start) as f64 / span * (WIDTH - LEFT - RIGHT);
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<svg class="timeline" role="img" aria-labelledby="tl-title" viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg"><title id="tl-title">Timeline of Warning events, container terminations and node condition changes</title>"#
    );
    for (i, lane) in t.lanes.iter().enumerate() {
        let y = TOP + LANE * i as f64 + LANE / 2.0;
        let _ = write!(
            o,
            r#"<line class="lane" x1="{LEFT}" y1="{y}" x2="{}" y2="{y}"/><text class="lane-label" x="{}" y="{}" text-anchor="end">{}</text>"#,
            WIDTH - RIGHT,
            LEFT - 8.0,
            y + 4.0,
            escape(lane)
        );
    }
    for e in &t.entries {
        let Some(s) = secs(&e.time) else { continue };
        let Some(lane) = t.lanes.iter().position(|l| *l == e.lane) else {
            continue;
        };
        let y = TOP + LANE * lane as f64 + LANE / 2.0;
        let r = 3.0 + (e.count.max(1) as f64).log10().min(3.0) * 1.5;
        let _ = write!(
            o,
            r#"<circle class="mark {}" cx="{:.1}" cy="{y}" r="{r:.1}"><title>{} {} — {}{}: {}</title></circle>"#,
            e.kind,
            x(s),
            escape(&e.time),
            escape(&e.object),
            escape(&e.reason),
            if e.count > 1 {
                format!(" ×{}", e.count)
            } else {
                String::new()
            },
            escape(&e.message)
        );
    }
    // Axis: start, middle, end, and the snapshot time.
    let axis_y = TOP + LANE * t.lanes.len() as f64 + 16.0;
    for s in [start, start + (end - start) / 2, end] {
        let label = jiff::Timestamp::from_second(s)
            .map(crate::time::format)
            .unwrap_or_default();
        let _ = write!(
            o,
            r#"<text class="axis" x="{:.1}" y="{axis_y}" text-anchor="middle">{}</text>"#,
            x(s).clamp(LEFT + 60.0, WIDTH - RIGHT - 60.0),
            escape(&label)
        );
    }
    let sx = x(end);
    let _ = write!(
        o,
        r#"<line class="snapshot" x1="{sx:.1}" y1="{}" x2="{sx:.1}" y2="{}"/><text class="snapshot-label" x="{:.1}" y="{}" text-anchor="end">snapshot</text>"#,
        TOP - 10.0,
        TOP + LANE * t.lanes.len() as f64,
        sx - 4.0,
        TOP - 14.0
    );
    o.push_str("</svg>");
    o
}
