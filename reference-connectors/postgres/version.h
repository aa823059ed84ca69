// The version of the PostgreSQL CDC connector, reported by every component of the plugin and in
// the `version` field of each change event's `source` block.
#pragma once

namespace ck::postgres {

/// Version of the PostgreSQL CDC connector.
inline constexpr char kPostgresVersion[] = "0.1.0";

}  // namespace ck::postgres
