// Unpacks plugin tarballs (the `<name>.tar.gz` that ck_plugin() makes) into a cache directory, so
// that a `.tar.gz` dropped on plugin.path can be discovered and loaded like a plugin directory.
//
// The cache lives outside plugin.path ($XDG_CACHE_HOME/connectkit/plugins, else
// ~/.cache/connectkit/plugins) and is keyed by the tarball's content hash: an unchanged tarball is
// unpacked once, a changed one gets a fresh directory, and a plugin never sees a half-written
// tree, because each one is unpacked into a temporary directory that is renamed into place. The
// archive is untrusted input: absolute names, `..` components, links leaving the tree, and entry
// types other than files, directories and relative symlinks are refused.
#ifndef CK_RUNTIME_PLUGINS_PLUGIN_TARBALL_H_
#define CK_RUNTIME_PLUGINS_PLUGIN_TARBALL_H_

#include <string>

namespace ck::runtime {

/// $XDG_CACHE_HOME/connectkit/plugins when XDG_CACHE_HOME is set, else
/// $HOME/.cache/connectkit/plugins (else a directory under the system's temporary directory).
std::string DefaultPluginCacheDir();

/// Unpacks the gzip-compressed tar archive `tarball` under `cache_dir` (created when missing),
/// unless the same content was unpacked there before, and returns the plugin's directory: the
/// archive's single top-level directory, or its root when it has several entries there. Runs no
/// plugin code. Throws PluginError naming the tarball and the problem when it cannot be read or
/// holds a name or entry that is refused.
std::string UnpackPluginTarball(const std::string& tarball, const std::string& cache_dir);

}  // namespace ck::runtime

#endif  // CK_RUNTIME_PLUGINS_PLUGIN_TARBALL_H_
