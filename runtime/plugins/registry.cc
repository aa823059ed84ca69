// Component lookup by class name and alias (see the header for the rules).
#include "runtime/plugins/registry.h"

#include <algorithm>
#include <charconv>
#include <set>

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

bool KindMatches(ck_component_kind kind, const std::vector<ck_component_kind>& kinds) {
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

}  // namespace

const char* KindName(ck_component_kind kind) {
  switch (kind) {
    case CK_KIND_SOURCE_CONNECTOR:
      return "source";
    case CK_KIND_SINK_CONNECTOR:
      return "sink";
    case CK_KIND_SOURCE_TASK:
      return "source_task";
    case CK_KIND_SINK_TASK:
      return "sink_task";
    case CK_KIND_CONVERTER:
      return "converter";
    case CK_KIND_HEADER_CONVERTER:
      return "header_converter";
    case CK_KIND_TRANSFORMATION:
      return "transformation";
    case CK_KIND_PREDICATE:
      return "predicate";
  }
  return "unknown";
}

int CompareVersions(std::string_view a, std::string_view b) {
  while (!a.empty() || !b.empty()) {
    const size_t da = a.find('.');
    const size_t db = b.find('.');
    const std::string_view pa = a.substr(0, da);
    const std::string_view pb = b.substr(0, db);
    long na = 0;
    long nb = 0;
    const bool num_a =
        std::from_chars(pa.data(), pa.data() + pa.size(), na).ec == std::errc() && !pa.empty();
    const bool num_b =
        std::from_chars(pb.data(), pb.data() + pb.size(), nb).ec == std::errc() && !pb.empty();
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

void PluginRegistry::Add(const ck_plugin& plugin, const std::string& location,
                         const std::string& isolation) {
  nlohmann::json manifest = nlohmann::json::object();
  try {
    manifest = nlohmann::json::parse(View(plugin.manifest_json));
  } catch (const nlohmann::json::exception&) {  // described only by its descriptor then
  }
  const nlohmann::json components = manifest.value("components", nlohmann::json::array());
  for (uint32_t i = 0; i < plugin.component_count; ++i) {
    const ck_component& c = *CK_COMPONENT_AT(&plugin, i);
    ComponentEntry entry;
    entry.component = &c;
    entry.kind = static_cast<ck_component_kind>(c.kind);
    entry.class_name = View(c.class_name);
    entry.version = View(c.version);
    entry.plugin = View(plugin.name);
    entry.location = location;
    entry.isolation = isolation;
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
      if (std::find(entry.aliases.begin(), entry.aliases.end(), alias) == entry.aliases.end()) {
        entry.aliases.push_back(std::move(alias));
      }
    }
    for (const ComponentEntry& other : entries_) {
      if (other.class_name == entry.class_name && other.kind == entry.kind &&
          other.version == entry.version) {
        throw PluginLookupError("duplicate " + std::string(KindName(entry.kind)) + " " +
                                entry.class_name + " version " + entry.version + " in " + location +
                                "; already registered from " + other.location);
      }
    }
    entries_.push_back(std::move(entry));
  }
}

const ComponentEntry& PluginRegistry::Resolve(std::string_view name,
                                              const std::vector<ck_component_kind>& kinds,
                                              const std::optional<std::string>& version) const {
  std::vector<const ComponentEntry*> matches;
  for (const auto by_class : {true, false}) {
    for (const ComponentEntry& e : entries_) {
      if (!KindMatches(e.kind, kinds)) continue;
      const bool hit = by_class
                           ? e.class_name == name
                           : std::find(e.aliases.begin(), e.aliases.end(), name) != e.aliases.end();
      if (hit) matches.push_back(&e);
    }
    if (!matches.empty()) break;
  }
  std::string kind_names;
  for (ck_component_kind k : kinds)
    kind_names += (kind_names.empty() ? "" : "/") + std::string(KindName(k));
  if (matches.empty()) {
    std::string known;
    for (const ComponentEntry& e : entries_) {
      if (KindMatches(e.kind, kinds)) known += (known.empty() ? "" : ", ") + e.class_name;
    }
    throw PluginLookupError("no " + kind_names + " plugin named '" + std::string(name) +
                            "'; known: " + (known.empty() ? "none" : known));
  }
  std::set<std::string> classes;
  for (const ComponentEntry* e : matches) classes.insert(e->class_name);
  if (classes.size() > 1) {
    std::string list;
    for (const std::string& c : classes) list += (list.empty() ? "" : ", ") + c;
    throw PluginLookupError("'" + std::string(name) + "' is ambiguous: it names " + list +
                            "; use the full class name");
  }
  const ComponentEntry* best = nullptr;
  for (const ComponentEntry* e : matches) {
    if (version) {
      if (e->version == *version) return *e;
    } else if (best == nullptr || CompareVersions(e->version, best->version) > 0) {
      best = e;
    }
  }
  if (best == nullptr) {
    std::string versions;
    for (const ComponentEntry* e : matches) versions += (versions.empty() ? "" : ", ") + e->version;
    throw PluginLookupError("no version " + *version + " of " + *classes.begin() +
                            "; available: " + versions);
  }
  return *best;
}

}  // namespace ck::runtime
