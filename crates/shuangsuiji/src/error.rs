//! The crate's error type: every module's errors in one enum, for callers that do not care
//! which step failed (the CLI, the bindings).

/// Any error of this crate; each variant keeps the module's own error with its details.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A bad id.
    #[error(transparent)]
    Id(#[from] crate::ids::IdError),
    /// A bad credit code.
    #[error(transparent)]
    CreditCode(#[from] crate::credit::CreditCodeError),
    /// A bad item list or joint item list.
    #[error(transparent)]
    Catalog(#[from] crate::catalog::CatalogError),
    /// A bad pool row or adjustment.
    #[error(transparent)]
    Pool(#[from] crate::pool::PoolError),
    /// A policy that cannot be applied.
    #[error(transparent)]
    Policy(#[from] crate::policy::PolicyError),
    /// A bad ratio.
    #[error(transparent)]
    Ratio(#[from] crate::policy::BadRatio),
    /// A bad grade.
    #[error(transparent)]
    Grade(#[from] crate::risk::BadGrade),
    /// A bad seed or digest in hex.
    #[error(transparent)]
    Hex(#[from] crate::digest::BadHex),
    /// A draw that cannot be made.
    #[error(transparent)]
    Draw(#[from] crate::draw::DrawError),
    /// A draw-log operation refused, or a broken log.
    #[error(transparent)]
    Log(#[from] crate::audit::LogError),
    /// A working-day calendar question it cannot answer, or bad calendar data.
    #[error(transparent)]
    Calendar(#[from] crate::calendar::CalendarError),
    /// An annual plan with problems (all of them, in order).
    #[error(transparent)]
    Plan(#[from] crate::plan::PlanErrors),
    /// An illegal life-cycle step or an inconsistent result or follow-up.
    #[error(transparent)]
    Lifecycle(#[from] crate::lifecycle::LifecycleError),
    /// A joint task that cannot be drawn.
    #[error(transparent)]
    Joint(#[from] crate::joint::JointError),
    /// Inspector teams that cannot be formed, or a bad matching policy.
    #[error(transparent)]
    Assign(#[from] crate::assign::AssignError),
    /// A matching that cannot be made or recorded.
    #[error(transparent)]
    Teams(#[from] crate::teams::TeamError),
    /// An unknown kind or status name.
    #[error(transparent)]
    Name(#[from] crate::target::UnknownName),
    /// A KPI input that cannot be read, or a report that cannot be computed.
    #[error(transparent)]
    Kpi(#[from] crate::kpi::KpiError),
}
