// The version of the __NAME__ plugin, reported by each of its components.
#pragma once

namespace __NAMESPACE__ {

/// Version of the plugin; bump it with every release.
inline constexpr char kVersion[] = "0.1.0";

}  // namespace __NAMESPACE__
