// The version of the file connectors, reported by every component of the plugin.
#pragma once

namespace ck::file {

/// Version of the file connectors.
inline constexpr char kFileConnectorVersion[] = "0.1.0";

}  // namespace ck::file
