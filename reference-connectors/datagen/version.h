// The version of the datagen connector, reported by every component of the plugin.
#pragma once

namespace ck::datagen {

/// Version of the datagen connector.
inline constexpr char kDatagenVersion[] = "0.1.0";

}  // namespace ck::datagen
