"""ck_plugin(): builds a self-contained ConnectKit plugin and its package.

A plugin is one shared object that exports only `ck_plugin_entry_v1` and carries everything else
inside itself, hidden: its own code, its bundled static dependencies, libstdc++ and libgcc. It also
carries its manifest twice, byte for byte the same: in its descriptor
(`ck_plugin_entry_v1()->manifest_json`) and in an ELF note (section `.note.connectkit`) that the
runtime reads from the file without loading it, so listing plugins and checking ABI versions never
runs plugin code (ARCHITECTURE.md §3-4).

The manifest comes from the plugin's code: a host-side tool links the plugin's library with
//sdk:manifest_main.cc, calls ck_plugin_entry_v1() (never init()) and writes the manifest and the
descriptor's ABI numbers; //sdk/tools:gen_manifest_note.py turns them into the note's assembly.
"""

_C_SUFFIXES = (".c",)

# Link options of every plugin. Bazel's toolchain links with gcc and appends its own -lstdc++,
# which -static-libstdc++ does not cover: libstdc++ is therefore linked statically by hand, ahead of
# it, and --as-needed keeps the toolchain's (now unused) dynamic -lstdc++ out of DT_NEEDED.
_PLUGIN_LINKOPTS = [
    "-static-libstdc++",
    "-static-libgcc",
    "-Wl,-Bstatic",
    "-lstdc++",
    "-Wl,-Bdynamic",
    "-Wl,--as-needed",
    "-Wl,-z,defs",
    "-Wl,--exclude-libs,ALL",
]

_HIDDEN_COPTS = ["-fvisibility=hidden"]
_HIDDEN_CXXOPTS = ["-fvisibility-inlines-hidden"]

def ck_plugin(
        name,
        srcs,
        deps = [],
        copts = [],
        linkopts = [],
        abi = Label("//sdk:abi"),
        visibility = None,
        testonly = False,
        tags = []):
    """Builds a ConnectKit plugin: the `.so`, its manifest and a tarball.

    Targets and outputs (`name` is the plugin's name):
      :<name>                 the plugin, i.e. `<name>.so` (use it in `data` of tests).
      <name>.so               the shared object: exports only `ck_plugin_entry_v1`, hidden
                              visibility, `-static-libstdc++ -static-libgcc`, `-z defs`, static
                              dependencies hidden with `--exclude-libs,ALL`, and the manifest note.
      <name>_manifest.json    the manifest, identical to the descriptor's `manifest_json`.
      <name>.tar.gz           the package for `plugin.path`: `<name>/manifest.json`, `<name>/<name>.so`.
      :<name>_lib             the plugin's code as a static library (`alwayslink`), e.g. to unit-test
                              it or to link it into a test binary.
    Internal targets: `<name>_c_lib` (C sources, if any), `<name>_manifest_tool` (host tool),
    `<name>_note` (manifest + note assembly), `<name>_pkg` (tarball).

    Under `--config=asan` or `--config=tsan` the plugin is instrumented like the rest of the build
    and needs the sanitizer runtime, which the instrumented host provides; the manifest tool is
    built for the host configuration and never instrumented.

    Example:
        load("//sdk:plugin.bzl", "ck_plugin")
        ck_plugin(
            name = "file-connector",
            srcs = ["file_source.cc", "file_source.h", "plugin.cc"],
            deps = ["//sdk"],
        )

    Args:
      name: the plugin's name; also the name of its directory in the package.
      srcs: C and C++ sources and private headers. Files ending in `.c` are compiled as C (in a
        separate library, since C compilers reject C++-only flags); everything else as C++. Exactly
        one source defines `ck_plugin_entry_v1()` (`CK_PLUGIN` from `ck/plugin.h` does).
      deps: libraries the plugin bundles, linked statically and kept hidden (e.g. `//sdk`).
      copts: extra compiler options for the plugin's sources.
      linkopts: extra linker options for the `.so`.
      abi: the ABI headers to compile against. Only ABI compatibility tests change it, to build a
        plugin against a frozen older copy of ck_abi.h.
      visibility: visibility of the plugin, its manifest and its tarball; internal targets are
        private.
      testonly: marks every target testonly (for test plugins).
      tags: tags for every target.
    """
    c_srcs = [s for s in srcs if s.endswith(_C_SUFFIXES)]
    cc_srcs = [s for s in srcs if not s.endswith(_C_SUFFIXES)]
    headers = [s for s in srcs if s.endswith((".h", ".hh", ".hpp", ".inc"))]
    common = dict(testonly = testonly, tags = tags)

    lib_deps = [abi] + deps
    if c_srcs:
        native.cc_library(
            name = name + "_c_lib",
            srcs = c_srcs + headers,
            copts = _HIDDEN_COPTS + copts,
            deps = lib_deps,
            alwayslink = True,
            linkstatic = True,
            visibility = ["//visibility:private"],
            **common
        )
        lib_deps = lib_deps + [name + "_c_lib"]

    native.cc_library(
        name = name + "_lib",
        srcs = cc_srcs,
        copts = _HIDDEN_COPTS + _HIDDEN_CXXOPTS + copts,
        deps = lib_deps,
        alwayslink = True,
        linkstatic = True,
        visibility = visibility,
        **common
    )

    # Built for the host (a genrule tool), so sanitizer configurations do not apply to it.
    native.cc_binary(
        name = name + "_manifest_tool",
        deps = [name + "_lib", Label("//sdk:manifest_main")],
        visibility = ["//visibility:private"],
        **common
    )

    native.genrule(
        name = name + "_note",
        outs = [name + "_manifest.json", name + "_note.S"],
        cmd = " && ".join([
            "ABI=$$($(execpath {tool}) $(execpath {json}))",
            "python3 $(execpath {gen}) --abi $$ABI $(execpath {json}) $(execpath {asm})",
        ]).format(
            tool = name + "_manifest_tool",
            gen = Label("//sdk/tools:gen_manifest_note.py"),
            json = name + "_manifest.json",
            asm = name + "_note.S",
        ),
        tools = [
            name + "_manifest_tool",
            Label("//sdk/tools:gen_manifest_note.py"),
        ],
        message = "Extracting the manifest of plugin " + name,
        visibility = visibility,
        **common
    )

    native.cc_binary(
        name = name + ".so",
        srcs = [name + "_note.S"],
        deps = [name + "_lib", Label("//sdk:plugin_link")],
        linkshared = True,
        linkopts = _PLUGIN_LINKOPTS + linkopts,
        visibility = visibility,
        **common
    )

    native.filegroup(
        name = name,
        srcs = [name + ".so"],
        visibility = visibility,
        **common
    )

    # A reproducible tarball: sorted entries, fixed owner and time, no gzip timestamp.
    native.genrule(
        name = name + "_pkg",
        srcs = [name + ".so", name + "_manifest.json"],
        outs = [name + ".tar.gz"],
        cmd = " && ".join([
            "STAGE=$$(mktemp -d)",
            "mkdir \"$$STAGE/{name}\"",
            "cp $(execpath {so}) \"$$STAGE/{name}/{name}.so\"",
            "cp $(execpath {json}) \"$$STAGE/{name}/manifest.json\"",
            "chmod 0755 \"$$STAGE/{name}\" \"$$STAGE/{name}/{name}.so\"",
            "chmod 0644 \"$$STAGE/{name}/manifest.json\"",
            "tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner " +
            "-C \"$$STAGE\" -cf - {name} | gzip -9n > $@",
            "rm -rf \"$$STAGE\"",
        ]).format(
            name = name,
            so = name + ".so",
            json = name + "_manifest.json",
        ),
        message = "Packaging plugin " + name,
        visibility = visibility,
        **common
    )
