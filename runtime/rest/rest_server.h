// Serves a RestApi over HTTP on the worker's `listeners` (default http://:8083), as Kafka
// Connect's REST server does, with cpp-httplib.
//
// Worker keys:
//   listeners                          comma-separated http://host:port URLs; port 0 picks a
//                                      free port (only the first listener is served)
//   rest.advertised.host.name, .port   the worker_id shown in statuses (default: host:port)
//   rest.basic.auth.credentials.file   a file of `user: password` (or user=password) lines; when
//                                      set, every request needs HTTP Basic credentials from it,
//                                      else 401. Off by default.
#ifndef CK_RUNTIME_REST_REST_SERVER_H_
#define CK_RUNTIME_REST_REST_SERVER_H_

#include <memory>
#include <set>
#include <string>
#include <thread>

#include "runtime/rest/rest_api.h"
#include "runtime/worker/connector_config.h"

namespace httplib {
class Server;
}

namespace ck::runtime {

/// The HTTP listener of the REST API.
class RestServer {
 public:
  /// Binds the listener of `worker_config`. Throws ConfigFileError naming the key and value when
  /// the listener is malformed, not http, or cannot be bound, or the credentials file cannot be
  /// read.
  explicit RestServer(const Properties& worker_config);
  ~RestServer();
  RestServer(const RestServer&) = delete;
  RestServer& operator=(const RestServer&) = delete;

  /// The worker id to show in statuses: advertised host and port.
  const std::string& worker_id() const { return worker_id_; }
  /// The bound port.
  int port() const { return port_; }

  /// Serves `api` on a thread of its own until Stop() or destruction.
  void Start(RestApi& api);
  /// Stops serving: requests in progress finish, new connections are refused.
  void Stop();

 private:
  std::unique_ptr<httplib::Server> server_;
  std::string worker_id_;
  int port_ = 0;
  std::set<std::string> credentials_;  // "Basic <base64(user:password)>" values accepted
  std::thread thread_;
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_REST_REST_SERVER_H_
