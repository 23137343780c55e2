//! Figures drawn as SVG from the model: the timeline of cases and stages,
//! and the charts of datasets.

pub(crate) mod chart;
pub(crate) mod timeline;
