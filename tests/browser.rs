//! The HTML report in a real headless browser (being written).
