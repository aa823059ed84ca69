// Kafka Connect's REST API (see the header). Paths and shapes: docs/rest.md.
#include "runtime/rest/rest_api.h"

#include <optional>

#include "runtime/worker/connector_validation.h"
#include "runtime/worker/log.h"

namespace ck::runtime {
namespace {

constexpr char kVersion[] = "0.1.0";

// An error response with Kafka Connect's body.
struct HttpError {
  int status;
  std::string message;
};

HttpResponse Json(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  // Names and messages may carry bytes of the request that are not UTF-8 (a percent-decoded path,
  // a parse error quoting the body): they are replaced, never a reason to fail.
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

HttpResponse Empty(int status) {
  HttpResponse r;
  r.status = status;
  r.content_type.clear();
  return r;
}

HttpResponse Error(int status, const std::string& message) {
  return Json(status, {{"error_code", status}, {"message", message}});
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The path's segments, percent-decoded. Throws HttpError for a bad escape.
std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  std::string current;
  bool any = false;
  for (size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '/') {
      if (any) out.push_back(current);
      current.clear();
      any = false;
      continue;
    }
    any = true;
    if (c == '%') {
      const int hi = i + 2 < path.size() ? HexValue(path[i + 1]) : -1;
      const int lo = i + 2 < path.size() ? HexValue(path[i + 2]) : -1;
      if (hi < 0 || lo < 0) throw HttpError{400, "Malformed percent-encoding in path: " + path};
      current.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      current.push_back(c);
    }
  }
  if (any) out.push_back(current);
  return out;
}

nlohmann::json ParseBody(const std::string& body) {
  if (body.empty()) throw HttpError{400, "Request body is missing: a JSON body is required"};
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    throw HttpError{400, std::string("Request body is not valid JSON: ") + e.what()};
  }
}

// A config map from a JSON object: strings as they are, numbers and booleans as their text.
Properties ConfigFromJson(const nlohmann::json& object, const char* what) {
  if (!object.is_object()) {
    throw HttpError{400, std::string(what) +
                             " must be a JSON object of configuration keys to "
                             "string values; got " +
                             std::string(object.type_name())};
  }
  Properties out;
  for (const auto& [key, value] : object.items()) {
    if (value.is_string()) {
      out[key] = value.get<std::string>();
    } else if (value.is_number() || value.is_boolean()) {
      out[key] = value.dump();
    } else if (value.is_null()) {
      continue;  // an unset key
    } else {
      throw HttpError{400, "Invalid value for configuration '" + key + "' in " + what +
                               ": expected a string, number or boolean, got " +
                               std::string(value.type_name())};
    }
  }
  return out;
}

bool QueryFlag(const HttpRequest& request, const std::string& key, bool fallback) {
  auto it = request.query.find(key);
  if (it == request.query.end()) return fallback;
  if (it->second == "true") return true;
  if (it->second == "false") return false;
  throw HttpError{400, "Invalid value '" + it->second + "' for query parameter " + key +
                           ": expected true or false"};
}

int TaskNumber(const std::string& text) {
  size_t used = 0;
  int task = -1;
  try {
    task = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || task < 0) {
    throw HttpError{404, "Task " + text + " not found: task ids are non-negative integers"};
  }
  return task;
}

HttpResponse MethodNotAllowed() { return Error(405, "HTTP 405 Method Not Allowed"); }
HttpResponse NotFound() { return Error(404, "HTTP 404 Not Found"); }

}  // namespace

RestApi::RestApi(Worker& worker, const PluginRegistry& registry, std::string worker_id)
    : worker_(worker), registry_(registry), worker_id_(std::move(worker_id)) {}

HttpResponse RestApi::Handle(const HttpRequest& request) {
  try {
    return Route(request, Segments(request.path));
  } catch (const HttpError& e) {
    return Error(e.status, e.message);
  } catch (const WorkerError& e) {
    switch (e.kind()) {
      case WorkerError::Kind::kBadRequest:
        return Error(400, e.what());
      case WorkerError::Kind::kNotFound:
        return Error(404, e.what());
      case WorkerError::Kind::kConflict:
        return Error(409, e.what());
      case WorkerError::Kind::kUnavailable:
        return Error(503, e.what());
    }
    return Error(500, e.what());
  } catch (const ConfigFileError& e) {
    return Error(400, e.what());
  } catch (const nlohmann::json::exception& e) {
    return Error(400, std::string("Request body has the wrong shape: ") + e.what());
  } catch (const std::exception& e) {
    Log(Level::kError, "", "REST " + request.method + " " + request.path + " failed: " + e.what());
    return Error(500, e.what());
  }
}

HttpResponse RestApi::Route(const HttpRequest& request, const std::vector<std::string>& s) {
  const std::string& method = request.method;
  if (s.empty()) {
    if (method != "GET") return MethodNotAllowed();
    return Json(200, {{"version", kVersion}, {"commit", "connectkit"}, {"kafka_cluster_id", ""}});
  }
  if (s[0] == "health" && s.size() == 1) {
    if (method != "GET") return MethodNotAllowed();
    return Json(200,
                {{"status", "healthy"},
                 {"message", "Worker has completed startup and is ready to handle requests."}});
  }
  if (s[0] == "metrics" && s.size() == 1) {
    if (method != "GET") return MethodNotAllowed();
    HttpResponse r;
    r.body = metrics_.Render(worker_.Snapshot());
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return r;
  }
  if (s[0] == "connectors") {
    if (s.size() == 1) return Connectors(request);
    return Connector(request, s);
  }
  if (s[0] == "connector-plugins") return Plugins(request, s);
  if (s[0] == "admin" && s.size() >= 2 && s[1] == "loggers") return Loggers(request, s);
  return NotFound();
}

nlohmann::json RestApi::StatusJson(const ConnectorStatus& status) const {
  nlohmann::json connector = {{"state", TaskStateName(status.connector.state)},
                              {"worker_id", worker_id_}};
  if (!status.connector.trace.empty()) connector["trace"] = status.connector.trace;
  nlohmann::json tasks = nlohmann::json::array();
  for (size_t t = 0; t < status.tasks.size(); ++t) {
    nlohmann::json task = {
        {"id", t}, {"state", TaskStateName(status.tasks[t].state)}, {"worker_id", worker_id_}};
    if (!status.tasks[t].trace.empty()) task["trace"] = status.tasks[t].trace;
    tasks.push_back(std::move(task));
  }
  return {{"name", status.name}, {"connector", connector}, {"tasks", tasks}, {"type", status.type}};
}

nlohmann::json RestApi::InfoJson(const ConnectorInfo& info) const {
  nlohmann::json tasks = nlohmann::json::array();
  for (int t = 0; t < info.tasks; ++t) tasks.push_back({{"connector", info.name}, {"task", t}});
  return {{"name", info.name}, {"config", info.config}, {"tasks", tasks}, {"type", info.type}};
}

void RestApi::RequireValid(const Properties& config) const {
  auto it = config.find("connector.class");
  if (it == config.end() || it->second.empty()) {
    throw HttpError{400, "Connector config " + nlohmann::json(config).dump() +
                             " contains no connector type: set \"connector.class\""};
  }
  nlohmann::json infos;
  try {
    infos = worker_.Validate(it->second, config);
  } catch (const WorkerError& e) {
    throw HttpError{400, std::string("Failed to find any class that implements Connector and "
                                     "which name matches ") +
                             it->second + ": " + e.what()};
  }
  const std::vector<std::string> errors = ConfigInfosErrors(infos);
  if (errors.empty()) return;
  std::string message = "Connector configuration is invalid and contains the following " +
                        std::to_string(errors.size()) + " error(s):";
  for (const std::string& error : errors) message += "\n" + error;
  message +=
      "\nYou can also find the above list of errors at the endpoint "
      "`/connector-plugins/{connectorType}/config/validate`";
  throw HttpError{400, message};
}

HttpResponse RestApi::Connectors(const HttpRequest& request) {
  if (request.method == "GET") {
    bool status = false;
    bool info = false;
    for (auto [it, end] = request.query.equal_range("expand"); it != end; ++it) {
      if (it->second == "status") status = true;
      if (it->second == "info") info = true;
    }
    const std::vector<std::string> names = worker_.Connectors();
    if (!status && !info) return Json(200, names);
    nlohmann::json out = nlohmann::json::object();
    for (const std::string& name : names) {
      try {
        nlohmann::json entry = nlohmann::json::object();
        if (status) entry["status"] = StatusJson(worker_.StatusOf(name));
        if (info) entry["info"] = InfoJson(worker_.Info(name));
        out[name] = std::move(entry);
      } catch (const WorkerError&) {
        // deleted meanwhile
      }
    }
    return Json(200, out);
  }
  if (request.method != "POST") return MethodNotAllowed();
  const nlohmann::json body = ParseBody(request.body);
  if (!body.is_object()) throw HttpError{400, "Request body must be a JSON object"};
  Properties config = ConfigFromJson(body.value("config", nlohmann::json::object()), "config");
  std::string name;
  if (body.contains("name") && !body["name"].is_null()) {
    if (!body["name"].is_string()) throw HttpError{400, "\"name\" must be a string"};
    name = body["name"].get<std::string>();
  } else if (auto it = config.find("name"); it != config.end()) {
    name = it->second;
  }
  if (name.empty()) throw HttpError{400, "Connector name is missing: set \"name\""};
  if (auto it = config.find("name"); it != config.end() && it->second != name) {
    throw HttpError{400, "Connector name configuration (" + it->second +
                             ") doesn't match connector name in the request (" + name + ")"};
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      throw HttpError{400, "Connector name " + nlohmann::json(name).dump() +
                               " is invalid: it must not contain control characters"};
    }
  }
  TargetState initial = TargetState::kStarted;
  if (body.contains("initial_state") && !body["initial_state"].is_null()) {
    const std::string state =
        body["initial_state"].is_string() ? body["initial_state"].get<std::string>() : "";
    if (state == "RUNNING") {
      initial = TargetState::kStarted;
    } else if (state == "PAUSED") {
      initial = TargetState::kPaused;
    } else if (state == "STOPPED") {
      initial = TargetState::kStopped;
    } else {
      throw HttpError{400, "Invalid initial_state " + body["initial_state"].dump() +
                               ": expected RUNNING, PAUSED or STOPPED"};
    }
  }
  config["name"] = name;
  {
    const std::vector<std::string> names = worker_.Connectors();
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      throw HttpError{409, "Connector " + name + " already exists"};
    }
  }
  RequireValid(config);
  HttpResponse r = Json(201, InfoJson(worker_.CreateConnector(name, config, initial)));
  r.headers["Location"] = "/connectors/" + name;
  return r;
}

HttpResponse RestApi::Connector(const HttpRequest& request, const std::vector<std::string>& s) {
  const std::string& name = s[1];
  const std::string& method = request.method;
  if (s.size() == 2) {
    if (method == "GET") return Json(200, InfoJson(worker_.Info(name)));
    if (method == "DELETE") {
      worker_.DeleteConnector(name);
      return Empty(204);
    }
    return MethodNotAllowed();
  }
  const std::string& what = s[2];
  if (s.size() == 3) {
    if (what == "config") {
      if (method == "GET") return Json(200, worker_.Info(name).config);
      if (method == "PUT") {
        Properties config = ConfigFromJson(ParseBody(request.body), "the request body");
        if (auto it = config.find("name"); it != config.end() && it->second != name) {
          throw HttpError{400, "Connector name configuration (" + it->second +
                                   ") doesn't match connector name in the URL (" + name + ")"};
        }
        config["name"] = name;
        RequireValid(config);
        bool created = false;
        const ConnectorInfo info = worker_.PutConnectorConfig(name, config, created);
        HttpResponse r = Json(created ? 201 : 200, InfoJson(info));
        if (created) r.headers["Location"] = "/connectors/" + name;
        return r;
      }
      if (method == "PATCH") {
        const nlohmann::json body = ParseBody(request.body);
        if (!body.is_object()) throw HttpError{400, "Request body must be a JSON object"};
        std::map<std::string, std::optional<std::string>> patch;
        for (const auto& [key, value] : body.items()) {
          if (value.is_null()) {
            patch[key] = std::nullopt;
          } else {
            patch[key] = ConfigFromJson(nlohmann::json{{key, value}}, "the patch").at(key);
          }
        }
        if (auto it = patch.find("name"); it != patch.end() && it->second != name) {
          throw HttpError{400, "Connector name configuration (" + it->second.value_or("null") +
                                   ") doesn't match connector name in the URL (" + name + ")"};
        }
        Properties merged = worker_.Info(name).config;
        for (const auto& [key, value] : patch) {
          if (value) {
            merged[key] = *value;
          } else {
            merged.erase(key);
          }
        }
        RequireValid(merged);
        return Json(200, InfoJson(worker_.PatchConnectorConfig(name, patch)));
      }
      return MethodNotAllowed();
    }
    if (what == "status") {
      if (method != "GET") return MethodNotAllowed();
      return Json(200, StatusJson(worker_.StatusOf(name)));
    }
    if (what == "tasks") {
      if (method != "GET") return MethodNotAllowed();
      const std::vector<Properties> configs = worker_.TaskConfigs(name);
      nlohmann::json out = nlohmann::json::array();
      for (size_t t = 0; t < configs.size(); ++t) {
        out.push_back({{"id", {{"connector", name}, {"task", t}}}, {"config", configs[t]}});
      }
      return Json(200, out);
    }
    if (what == "restart") {
      if (method != "POST") return MethodNotAllowed();
      const bool include_tasks = QueryFlag(request, "includeTasks", false);
      const bool only_failed = QueryFlag(request, "onlyFailed", false);
      const ConnectorStatus plan = worker_.Restart(name, include_tasks, only_failed);
      if (!include_tasks && !only_failed) return Empty(204);
      return Json(202, StatusJson(plan));
    }
    if (what == "pause" || what == "resume" || what == "stop") {
      if (method != "PUT") return MethodNotAllowed();
      if (what == "pause") worker_.Pause(name);
      if (what == "resume") worker_.Resume(name);
      if (what == "stop") {
        worker_.Stop(name);
        return Empty(204);
      }
      return Empty(202);
    }
    if (what == "topics") {
      if (method != "GET") return MethodNotAllowed();
      return Json(200, {{name, {{"topics", worker_.ActiveTopics(name)}}}});
    }
    if (what == "offsets") {
      if (method == "GET") return Json(200, worker_.Offsets(name));
      if (method == "PATCH") {
        return Json(200, {{"message", worker_.AlterOffsets(name, ParseBody(request.body))}});
      }
      if (method == "DELETE") {
        return Json(200, {{"message", worker_.AlterOffsets(name, std::nullopt)}});
      }
      return MethodNotAllowed();
    }
    return NotFound();
  }
  if (s.size() == 4 && what == "topics" && s[3] == "reset") {
    if (method != "PUT") return MethodNotAllowed();
    worker_.ResetActiveTopics(name);
    return Empty(202);
  }
  if (what == "tasks" && s.size() == 5) {
    const int task = TaskNumber(s[3]);
    if (s[4] == "status") {
      if (method != "GET") return MethodNotAllowed();
      const ConnectorStatus status = worker_.StatusOf(name);
      if (static_cast<size_t>(task) >= status.tasks.size()) {
        throw HttpError{404, "Task " + name + "-" + s[3] + " not found"};
      }
      nlohmann::json out = {{"id", task},
                            {"state", TaskStateName(status.tasks[task].state)},
                            {"worker_id", worker_id_}};
      if (!status.tasks[task].trace.empty()) out["trace"] = status.tasks[task].trace;
      return Json(200, out);
    }
    if (s[4] == "restart") {
      if (method != "POST") return MethodNotAllowed();
      worker_.RestartTask(name, task);
      return Empty(204);
    }
  }
  return NotFound();
}

HttpResponse RestApi::Plugins(const HttpRequest& request, const std::vector<std::string>& s) {
  if (s.size() == 1) {
    if (request.method != "GET") return MethodNotAllowed();
    const bool connectors_only = QueryFlag(request, "connectorsOnly", true);
    nlohmann::json out = nlohmann::json::array();
    for (const nlohmann::json& c : ComponentsJson(registry_.List())) {
      const std::string type = c.value("type", "");
      if (connectors_only && type != "source" && type != "sink") continue;
      if (type == "source_task" || type == "sink_task") continue;  // not plugins in Kafka's sense
      out.push_back({{"class", c["class"]}, {"type", type}, {"version", c["version"]}});
    }
    return Json(200, out);
  }
  const std::string& plugin = s[1];
  auto entry = [&]() -> const ComponentEntry& {
    try {
      return registry_.Find(plugin,
                            {CK_KIND_SOURCE_CONNECTOR, CK_KIND_SINK_CONNECTOR, CK_KIND_CONVERTER,
                             CK_KIND_HEADER_CONVERTER, CK_KIND_TRANSFORMATION, CK_KIND_PREDICATE});
    } catch (const PluginLookupError& e) {
      throw HttpError{404, e.what()};
    }
  };
  if (s.size() == 3 && s[2] == "config") {
    if (request.method != "GET") return MethodNotAllowed();
    nlohmann::json out = nlohmann::json::array();
    for (nlohmann::json key : entry().config) {
      key.erase("validator");
      out.push_back(std::move(key));
    }
    return Json(200, out);
  }
  if (s.size() == 4 && s[2] == "config" && s[3] == "validate") {
    if (request.method != "PUT") return MethodNotAllowed();
    Properties config = ConfigFromJson(ParseBody(request.body), "the request body");
    if (auto it = config.find("connector.class"); it == config.end()) {
      config["connector.class"] = plugin;
    }
    return Json(200, worker_.Validate(plugin, config));
  }
  return NotFound();
}

HttpResponse RestApi::Loggers(const HttpRequest& request, const std::vector<std::string>& s) {
  auto level_json = [](const LoggerLevel& level) {
    return nlohmann::json{
        {"level", level.level},
        {"last_modified",
         level.last_modified < 0 ? nlohmann::json(nullptr) : nlohmann::json(level.last_modified)}};
  };
  if (s.size() == 2) {
    if (request.method != "GET") return MethodNotAllowed();
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [name, level] : LoggerLevels()) out[name] = level_json(level);
    return Json(200, out);
  }
  if (s.size() != 3) return NotFound();
  const std::string& name = s[2];
  if (request.method == "GET") {
    const auto levels = LoggerLevels();
    auto it = levels.find(name);
    if (it == levels.end()) throw HttpError{404, "Logger " + name + " not found."};
    return Json(200, level_json(it->second));
  }
  if (request.method != "PUT") return MethodNotAllowed();
  const nlohmann::json body = ParseBody(request.body);
  if (!body.is_object() || !body.contains("level") || !body["level"].is_string()) {
    throw HttpError{400, "Desired 'level' parameter was not specified in request."};
  }
  auto scope = request.query.find("scope");
  if (scope != request.query.end() && scope->second != "worker" && scope->second != "cluster") {
    throw HttpError{400, "Invalid scope '" + scope->second + "': expected worker or cluster"};
  }
  try {
    const std::vector<std::string> affected = SetLoggerLevel(name, body["level"]);
    if (scope != request.query.end() && scope->second == "cluster") return Empty(204);
    return Json(200, affected);
  } catch (const std::invalid_argument& e) {
    throw HttpError{404, e.what()};
  }
}

}  // namespace ck::runtime
