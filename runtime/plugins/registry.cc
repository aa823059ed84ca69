// Component registration, lookup and load-on-demand; see registry.h for the rules.
//
// Entries and plugin records live in deques owned through one heap-allocated State, so the
// references Resolve() hands out stay valid as more plugins are registered and when the registry
// is moved. One mutex guards everything, loads included: a component's `component` and
// `isolation` are written under it before Resolve() returns the entry.
#include "runtime/plugins/registry.h"

#include <algorithm>
#include <charconv>
#include <deque>
#include <map>
#include <mutex>
#include <set>

#include "runtime/plugins/host_table.h"

namespace ck::runtime {
namespace {

std::string_view View(ck_str s) { return {s.ptr == nullptr ? "" : s.ptr, s.len}; }

std::string SimpleName(const std::string& class_name) {
  const size_t cut = class_name.find_last_of(".$");
  return cut == std::string::npos ? class_name : class_name.substr(cut + 1);
}

std::vector<std::string> ComputedAliases(const std::string& class_name) {
  std::vector<std::string> out;
  const std::string simple = SimpleName(class_name);
  if (simple != class_name) out.push_back(simple);
  for (std::string_view suffix :
       {"Connector", "Converter", "Transformation", "Transform", "Predicate"}) {
    if (simple.size() > suffix.size() &&
        simple.compare(simple.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(simple.substr(0, simple.size() - suffix.size()));
      break;
    }
  }
  return out;
}

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

bool KindMatches(ck_component_kind kind, const std::vector<ck_component_kind>& kinds) {
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

template <typename Range, typename Format>
std::string Join(const Range& items, Format format, size_t limit = 20) {
  std::string out;
  size_t n = 0;
  for (const auto& item : items) {
    if (n++ == limit) return out + ", and " + std::to_string(items.size() - limit) + " more";
    out += (out.empty() ? "" : ", ") + format(item);
  }
  return out;
}

// Fills entry.aliases, .description and .config from the manifest entry describing it.
void Describe(ComponentEntry& entry, const nlohmann::json& components) {
  for (const auto& described : components) {
    if (described.value("class", "") != entry.class_name ||
        described.value("kind", "") != KindName(entry.kind)) {
      continue;
    }
    entry.aliases = described.value("aliases", std::vector<std::string>{});
    entry.description = described.value("description", "");
    entry.config = described.value("config", nlohmann::json::array());
  }
  for (std::string& alias : ComputedAliases(entry.class_name)) {
    if (!Contains(entry.aliases, alias)) entry.aliases.push_back(std::move(alias));
  }
}

// A discovered plugin: where it is, how it is to be loaded, and how loading went.
struct PluginRecord {
  std::string file;
  std::string root;
  IsolationTier tier = IsolationTier::kTier0;
  std::vector<size_t> entries;  // Indices of its components in State::entries.
  bool loaded = false;
  std::string error;  // Why loading failed, once it has.
};

}  // namespace

struct PluginRegistry::State {
  const ck_host* host;
  IsolationPolicy policy;
  PluginLogSink log;
  mutable std::mutex mu;
  std::deque<ComponentEntry> entries;
  std::deque<PluginRecord> plugins;
  std::vector<std::string> problems;

  void Report(Level level, const std::string& message) {
    problems.push_back(message);
    log(level, message);
  }

  // Throws PluginLookupError unless every one of `adding` is new (by kind, class and version).
  void CheckDuplicates(const std::vector<ComponentEntry>& adding, const std::string& where) const {
    for (const ComponentEntry& entry : adding) {
      for (const ComponentEntry& other : entries) {
        if (other.class_name == entry.class_name && other.kind == entry.kind &&
            other.version == entry.version) {
          throw PluginLookupError("plugin " + where + ": duplicate " + KindName(entry.kind) + " " +
                                  entry.class_name + " version " + entry.version +
                                  ", already registered from " + other.location +
                                  "; remove one of the two");
        }
      }
    }
  }

  void Append(std::vector<ComponentEntry> adding, PluginRecord* record) {
    for (ComponentEntry& entry : adding) {
      if (record != nullptr) record->entries.push_back(entries.size());
      entries.push_back(std::move(entry));
    }
  }

  const ComponentEntry& FindLocked(std::string_view name,
                                   const std::vector<ck_component_kind>& kinds,
                                   const std::optional<std::string>& version) const {
    // Three rounds: class names, then manifest aliases, then computed aliases.
    std::vector<const ComponentEntry*> matches;
    for (int round = 0; round < 3 && matches.empty(); ++round) {
      for (const ComponentEntry& e : entries) {
        if (!KindMatches(e.kind, kinds)) continue;
        const bool computed = Contains(ComputedAliases(e.class_name), name);
        if (round == 0 ? e.class_name == name
                       : (round == 1 ? Contains(e.aliases, name) && !computed : computed)) {
          matches.push_back(&e);
        }
      }
    }
    if (matches.empty()) {
      std::string kind_names;
      for (ck_component_kind k : kinds)
        kind_names += (kind_names.empty() ? "" : "/") + std::string(KindName(k));
      std::set<std::string> known;
      std::string elsewhere;
      for (const ComponentEntry& e : entries) {
        if (KindMatches(e.kind, kinds)) known.insert(e.class_name);
        if (elsewhere.empty() && (e.class_name == name || Contains(e.aliases, name))) {
          elsewhere = " (" + e.class_name + " is a " + KindName(e.kind) + ")";
        }
      }
      throw PluginLookupError(
          "no " + kind_names + " plugin named '" + std::string(name) + "'" + elsewhere +
          "; known: " + (known.empty() ? "none" : Join(known, [](auto& s) { return s; })));
    }
    std::set<std::string> classes;
    for (const ComponentEntry* e : matches) classes.insert(e->class_name);
    if (classes.size() > 1) {
      throw PluginLookupError("'" + std::string(name) + "' is ambiguous: it names " +
                              Join(matches,
                                   [](const ComponentEntry* e) {
                                     return e->class_name + " " + e->version + " (" + e->location +
                                            ")";
                                   }) +
                              "; use the full class name");
    }
    const ComponentEntry* best = nullptr;
    for (const ComponentEntry* e : matches) {
      if (version && !VersionMatches(e->version, *version)) continue;
      if (best == nullptr || CompareVersions(e->version, best->version) > 0) best = e;
    }
    if (best == nullptr) {
      throw PluginLookupError("no version " + *version + " of " + *classes.begin() +
                              "; available: " + Join(matches, [](const ComponentEntry* e) {
                                return e->version + " (" + e->location + ")";
                              }));
    }
    return *best;
  }

  // Loads plugin `index` and binds its entries to its descriptor's components.
  void LoadLocked(int index) {
    if (index < 0) return;
    PluginRecord& record = plugins[static_cast<size_t>(index)];
    if (record.loaded) return;
    if (!record.error.empty()) throw PluginLookupError(record.error);
    try {
      const LoadedPlugin& loaded =
          LoadPlugin(record.file, host,
                     LoadOptions{record.tier, policy == IsolationPolicy::kAuto, record.root});
      for (size_t i : record.entries) {
        ComponentEntry& entry = entries[i];
        for (uint32_t c = 0; c < loaded.descriptor->component_count; ++c) {
          const ck_component* component = CK_COMPONENT_AT(loaded.descriptor, c);
          if (View(component->class_name) == entry.class_name && component->kind == entry.kind) {
            entry.component = component;
          }
        }
        if (entry.component == nullptr) {
          throw PluginError("plugin " + record.file + ": its descriptor lacks " +
                            KindName(entry.kind) + " " + entry.class_name +
                            ", which its manifest lists");
        }
        entry.isolation = TierName(loaded.tier);
      }
      record.loaded = true;
    } catch (const PluginError& e) {
      record.error = e.what();
      Report(Level::kError, record.error);
      throw PluginLookupError(record.error);
    }
  }
};

PluginRegistry::PluginRegistry(const ck_host* host, IsolationPolicy policy, PluginLogSink log)
    : state_(std::make_unique<State>()) {
  static const ck_host kMinimal = MinimalHostTable();
  state_->host = host != nullptr ? host : &kMinimal;
  state_->policy = policy;
  state_->log = log ? std::move(log)
                    : [](Level level, const std::string& message) { Log(level, "", message); };
}

PluginRegistry::~PluginRegistry() = default;
PluginRegistry::PluginRegistry(PluginRegistry&&) noexcept = default;
PluginRegistry& PluginRegistry::operator=(PluginRegistry&&) noexcept = default;

IsolationPolicy ParseIsolationPolicy(std::string_view value) {
  if (value == "tier0") return IsolationPolicy::kTier0;
  if (value == "auto") return IsolationPolicy::kAuto;
  if (value == "tier1") return IsolationPolicy::kTier1;
  throw std::invalid_argument("Invalid value " + std::string(value) +
                              " for configuration plugin.isolation: String must be one of: "
                              "tier0, auto, tier1");
}

void PluginRegistry::Add(const ck_plugin& plugin, const std::string& location,
                         const std::string& isolation) {
  const nlohmann::json manifest = nlohmann::json::parse(View(plugin.manifest_json), nullptr, false);
  const nlohmann::json components = manifest.is_object()
                                        ? manifest.value("components", nlohmann::json::array())
                                        : nlohmann::json::array();
  std::vector<ComponentEntry> adding;
  for (uint32_t i = 0; i < plugin.component_count; ++i) {
    const ck_component& c = *CK_COMPONENT_AT(&plugin, i);
    ComponentEntry& entry = adding.emplace_back();
    entry.component = &c;
    entry.kind = static_cast<ck_component_kind>(c.kind);
    entry.class_name = View(c.class_name);
    entry.version = View(c.version);
    entry.plugin = View(plugin.name);
    entry.location = location;
    entry.isolation = isolation;
    Describe(entry, components);
  }
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->CheckDuplicates(adding, location);
  state_->Append(std::move(adding), nullptr);
}

void PluginRegistry::AddBuiltin(BuiltinEntry entry) {
  const ck_plugin* plugin = entry();
  if (plugin == nullptr || plugin->component_count == 0) {
    const std::string manifest = plugin == nullptr ? "" : std::string(View(plugin->manifest_json));
    throw PluginError("built-in plugin bundle failed to describe itself: " +
                      (manifest.empty() ? "no descriptor" : manifest));
  }
  const std::string name = "built-in " + std::string(View(plugin->name));
  CheckAbiCompatibility(name, plugin->abi_major, plugin->abi_minor);
  ck_error err;
  if (plugin->init != nullptr && plugin->init(state_->host, &err) != CK_STATUS_OK) {
    throw PluginError("plugin " + name + ": init failed: " + err.message);
  }
  Add(*plugin, "built-in", "built-in");
}

std::vector<std::string> PluginRegistry::Discover(const std::vector<std::string>& plugin_path,
                                                  const std::string& cache_dir) {
  DiscoveryResult found = DiscoverPlugins(plugin_path, cache_dir);
  std::lock_guard<std::mutex> lock(state_->mu);
  State& s = *state_;
  std::vector<std::string> errors = found.errors;
  for (const std::string& error : found.errors) s.Report(Level::kError, error);
  std::map<std::string, std::string> bundled_by;  // Library name -> first plugin bundling it.
  for (DiscoveredPlugin& plugin : found.plugins) {
    try {
      const nlohmann::json& components = plugin.manifest["components"];
      std::vector<ComponentEntry> adding;
      for (const nlohmann::json& c : components) {
        ComponentEntry& entry = adding.emplace_back();
        entry.kind = *KindFromName(c["kind"].get<std::string>());
        entry.class_name = c["class"].get<std::string>();
        entry.version = c["version"].get<std::string>();
        entry.plugin = plugin.manifest["name"].get<std::string>();
        entry.location = plugin.location;
        entry.file = plugin.file;
        entry.plugin_index = static_cast<int>(s.plugins.size());
        Describe(entry, components);
      }
      s.CheckDuplicates(adding, plugin.location);

      // The tier this plugin is planned for. A bundled shared library that the runtime (or a
      // loaded plugin) already has collides at tier 0 for sure; one that an earlier plugin
      // bundles too collides if both are loaded.
      IsolationTier tier =
          s.policy == IsolationPolicy::kTier1 ? IsolationTier::kTier1 : IsolationTier::kTier0;
      std::optional<std::string> collision;
      std::string shared;
      if (tier == IsolationTier::kTier0 && !plugin.bundled.empty()) {
        collision = FindTier0Collision(plugin.location, plugin.bundled);
        for (const BundledLibrary& library : plugin.bundled) {
          const auto it = bundled_by.find(library.name);
          if (it == bundled_by.end() || !shared.empty()) continue;
          shared = "plugins " + it->second + " and " + plugin.location + " both bundle " +
                   library.name +
                   "; at isolation tier 0 only the first one loaded can run. Set "
                   "plugin.isolation=auto to load the other in a namespace of its own";
        }
      }
      if (collision && s.policy != IsolationPolicy::kAuto) throw PluginError(*collision);
      if (collision || (!shared.empty() && s.policy == IsolationPolicy::kAuto)) {
        tier = IsolationTier::kTier1;
      } else if (!shared.empty()) {
        s.Report(Level::kWarn, shared);
      }
      for (const BundledLibrary& library : plugin.bundled) {
        bundled_by.emplace(library.name, plugin.location);
      }
      for (ComponentEntry& entry : adding) entry.isolation = TierName(tier);
      PluginRecord& record = s.plugins.emplace_back();
      record.file = plugin.file;
      record.root = plugin.root;
      record.tier = tier;
      s.Append(std::move(adding), &record);
    } catch (const std::runtime_error& e) {  // PluginError, PluginLookupError
      errors.push_back(e.what());
      s.Report(Level::kError, e.what());
    }
  }
  return errors;
}

const ComponentEntry& PluginRegistry::Find(std::string_view name,
                                           const std::vector<ck_component_kind>& kinds,
                                           const std::optional<std::string>& version) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->FindLocked(name, kinds, version);
}

const ComponentEntry& PluginRegistry::Resolve(std::string_view name,
                                              const std::vector<ck_component_kind>& kinds,
                                              const std::optional<std::string>& version) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  const ComponentEntry& entry = state_->FindLocked(name, kinds, version);
  state_->LoadLocked(entry.plugin_index);
  return entry;
}

const ComponentEntry& PluginRegistry::Load(const ComponentEntry& entry) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->LoadLocked(entry.plugin_index);
  return entry;
}

std::vector<std::string> PluginRegistry::LoadAll() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  std::vector<std::string> errors;
  for (size_t i = 0; i < state_->plugins.size(); ++i) {
    try {
      state_->LoadLocked(static_cast<int>(i));
    } catch (const PluginLookupError& e) {
      errors.push_back(e.what());
    }
  }
  return errors;
}

std::vector<ComponentEntry> PluginRegistry::List() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return {state_->entries.begin(), state_->entries.end()};
}

std::vector<std::string> PluginRegistry::problems() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->problems;
}

void RegisterBuiltins(PluginRegistry& registry, const std::vector<BuiltinEntry>& entries) {
  for (BuiltinEntry entry : entries) registry.AddBuiltin(entry);
}

nlohmann::json ComponentsJson(const std::vector<ComponentEntry>& components) {
  nlohmann::json out = nlohmann::json::array();
  for (const ComponentEntry& e : components) {
    out.push_back({{"class", e.class_name},
                   {"type", KindName(e.kind)},
                   {"version", e.version},
                   {"aliases", e.aliases},
                   {"plugin", e.plugin},
                   {"location", e.location},
                   {"isolation", e.isolation},
                   {"description", e.description}});
  }
  return out;
}

int CompareVersions(std::string_view a, std::string_view b) {
  while (!a.empty() || !b.empty()) {
    const size_t da = a.find('.');
    const size_t db = b.find('.');
    const std::string_view pa = a.substr(0, da);
    const std::string_view pb = b.substr(0, db);
    long na = 0;
    long nb = 0;
    const auto [end_a, ec_a] = std::from_chars(pa.data(), pa.data() + pa.size(), na);
    const auto [end_b, ec_b] = std::from_chars(pb.data(), pb.data() + pb.size(), nb);
    const bool num_a = ec_a == std::errc() && end_a == pa.data() + pa.size() && !pa.empty();
    const bool num_b = ec_b == std::errc() && end_b == pb.data() + pb.size() && !pb.empty();
    if (num_a && num_b) {
      if (na != nb) return na < nb ? -1 : 1;
    } else if (int c = pa.compare(pb); c != 0) {
      return c < 0 ? -1 : 1;
    }
    a = da == std::string_view::npos ? std::string_view() : a.substr(da + 1);
    b = db == std::string_view::npos ? std::string_view() : b.substr(db + 1);
  }
  return 0;
}

bool VersionMatches(std::string_view version, std::string_view spec) {
  const auto trim = [](std::string_view s) {
    const size_t first = s.find_first_not_of(' ');
    return first == std::string_view::npos ? std::string_view()
                                           : s.substr(first, s.find_last_not_of(' ') - first + 1);
  };
  spec = trim(spec);
  if (spec.empty() || spec == "latest") return true;
  if (spec.front() != '[' && spec.front() != '(') return version == spec;
  const auto malformed = [&](const char* why) {
    return PluginLookupError("invalid version range '" + std::string(spec) + "': " + why +
                             "; use a version (1.2), a range ([1.0,2.0), (,1.5], [2.0]) or latest");
  };
  bool matches = false;
  for (std::string_view rest = spec; !rest.empty();) {
    const size_t close = rest.find_first_of("])");
    if (close == std::string_view::npos || (rest.front() != '[' && rest.front() != '(')) {
      throw malformed("every range is enclosed in [ or ( and ] or )");
    }
    const std::string_view inner = rest.substr(1, close - 1);
    const size_t comma = inner.find(',');
    const std::string_view low = trim(inner.substr(0, comma));
    const std::string_view high =
        comma == std::string_view::npos ? low : trim(inner.substr(comma + 1));
    if (comma == std::string_view::npos &&
        (rest.front() != '[' || rest[close] != ']' || low.empty())) {
      throw malformed("a single version is written [1.0]");
    }
    const bool above =
        low.empty() || CompareVersions(version, low) > (rest.front() == '[' ? -1 : 0);
    const bool below =
        high.empty() || CompareVersions(version, high) < (rest[close] == ']' ? 1 : 0);
    matches = matches || (above && below);
    rest = trim(rest.substr(close + 1));
    if (!rest.empty() && rest.front() == ',') rest = trim(rest.substr(1));
  }
  return matches;
}

}  // namespace ck::runtime
