// Kafka Connect's REST API over a Worker: the same paths, verbs, JSON shapes, status codes and
// error body ({"error_code": <status>, "message": <text>}), plus Prometheus metrics on
// GET /metrics.
//
// RestApi maps one request to one response and knows nothing of sockets, so it can be tested and
// fuzzed directly; RestServer (rest_server.h) serves it over HTTP.
#ifndef CK_RUNTIME_REST_REST_API_H_
#define CK_RUNTIME_REST_REST_API_H_

#include <map>
#include <string>
#include <vector>

#include "runtime/plugins/registry.h"
#include "runtime/rest/metrics.h"
#include "runtime/worker/worker.h"

namespace ck::runtime {

/// One HTTP request, as the server parsed it.
struct HttpRequest {
  std::string method;                             ///< "GET", "POST", ...
  std::string path;                               ///< Percent-encoded path, without the query.
  std::multimap<std::string, std::string> query;  ///< Decoded query parameters.
  std::string body;                               ///< The body.
};

/// One HTTP response.
struct HttpResponse {
  int status = 200;                               ///< Status code.
  std::string body;                               ///< The body ("" for 204).
  std::string content_type = "application/json";  ///< Content-Type.
  std::map<std::string, std::string> headers;     ///< Extra headers (e.g. Location).
};

/// The REST API of one worker.
class RestApi {
 public:
  /// Serves `worker`, whose plugins are in `registry`; `worker_id` ("host:port") is shown in
  /// statuses as Kafka Connect's worker_id.
  RestApi(Worker& worker, const PluginRegistry& registry, std::string worker_id);

  /// Answers `request`. Never throws: every failure is an error response.
  HttpResponse Handle(const HttpRequest& request);

 private:
  HttpResponse Route(const HttpRequest& request, const std::vector<std::string>& segments);
  HttpResponse Connectors(const HttpRequest& request);
  HttpResponse Connector(const HttpRequest& request, const std::vector<std::string>& segments);
  HttpResponse Plugins(const HttpRequest& request, const std::vector<std::string>& segments);
  HttpResponse Loggers(const HttpRequest& request, const std::vector<std::string>& segments);
  nlohmann::json StatusJson(const ConnectorStatus& status) const;
  nlohmann::json InfoJson(const ConnectorInfo& info) const;
  // Validates `config` for a create or update; throws a 400 with Kafka Connect's message.
  void RequireValid(const Properties& config) const;

  Worker& worker_;
  const PluginRegistry& registry_;
  std::string worker_id_;
  MetricsRenderer metrics_;
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_REST_REST_API_H_
