// The HTTP listener of the REST API (see the header).
#include "runtime/rest/rest_server.h"

#include <httplib.h>
#include <unistd.h>

#include "runtime/worker/log.h"

namespace ck::runtime {
namespace {

std::string Get(const Properties& p, const std::string& key, const std::string& fallback) {
  auto it = p.find(key);
  return it == p.end() || it->second.empty() ? fallback : it->second;
}

std::string Base64(const std::string& in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t n = (static_cast<uint8_t>(in[i]) << 16) |
                       (static_cast<uint8_t>(in[i + 1]) << 8) | static_cast<uint8_t>(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(n >> shift) & 63]);
  }
  if (i < in.size()) {
    uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<uint8_t>(in[i + 1]) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::string ErrorBody(int status, const std::string& message) {
  return nlohmann::json{{"error_code", status}, {"message", message}}.dump();
}

}  // namespace

RestServer::RestServer(const Properties& worker_config)
    : server_(std::make_unique<httplib::Server>()) {
  const std::string listeners = Get(worker_config, "listeners", "http://:8083");
  const std::string listener = listeners.substr(0, listeners.find(','));
  const std::string scheme = "http://";
  if (listener.compare(0, scheme.size(), scheme) != 0) {
    throw ConfigFileError("Invalid value " + listeners +
                          " for configuration listeners: only http:// listeners are supported, "
                          "e.g. http://:8083 or http://127.0.0.1:0");
  }
  const std::string address = listener.substr(scheme.size());
  const size_t colon = address.rfind(':');
  std::string host = colon == std::string::npos ? address : address.substr(0, colon);
  int port = 8083;
  if (colon != std::string::npos) {
    try {
      size_t used = 0;
      port = std::stoi(address.substr(colon + 1), &used);
      if (used != address.size() - colon - 1 || port < 0 || port > 65535)
        throw std::out_of_range("");
    } catch (const std::exception&) {
      throw ConfigFileError("Invalid value " + listeners +
                            " for configuration listeners: the port must be 0-65535");
    }
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string bind_host = host.empty() ? "0.0.0.0" : host;
  server_->set_payload_max_length(16 << 20);
  server_->set_keep_alive_max_count(100);
  port_ = port == 0 ? server_->bind_to_any_port(bind_host)
                    : (server_->bind_to_port(bind_host, port) ? port : -1);
  if (port_ <= 0) {
    throw ConfigFileError("Cannot listen on " + listener + " (configuration listeners): " +
                          "the address is in use or not available");
  }
  char hostname[256] = "localhost";
  gethostname(hostname, sizeof hostname - 1);
  worker_id_ = Get(worker_config, "rest.advertised.host.name", host.empty() ? hostname : host) +
               ":" + Get(worker_config, "rest.advertised.port", std::to_string(port_));
  if (const std::string file = Get(worker_config, "rest.basic.auth.credentials.file", "");
      !file.empty()) {
    for (const auto& [user, password] : ReadPropertiesFile(file)) {
      credentials_.insert("Basic " + Base64(user + ":" + password));
    }
    if (credentials_.empty()) {
      throw ConfigFileError("rest.basic.auth.credentials.file " + file +
                            " holds no credentials: expected lines of user: password");
    }
  }
}

RestServer::~RestServer() { Stop(); }

void RestServer::Start(RestApi& api) {
  // One handler for every path and method: routing is RestApi's (cpp-httplib reads the body only
  // for routed requests, so a pre-routing handler would see none).
  const auto handle = [this, &api](const httplib::Request& req, httplib::Response& res) {
    if (!credentials_.empty() && credentials_.count(req.get_header_value("Authorization")) == 0) {
      res.status = 401;
      res.set_header("WWW-Authenticate", "Basic realm=\"connectkit\"");
      res.set_content(ErrorBody(401,
                                "Credentials are missing or wrong: this worker requires "
                                "HTTP Basic authentication"),
                      "application/json");
      return;
    }
    HttpRequest request;
    request.method = req.method;
    request.path = req.target.substr(0, req.target.find('?'));
    for (const auto& [key, value] : req.params) request.query.emplace(key, value);
    request.body = req.body;
    const HttpResponse response = api.Handle(request);
    res.status = response.status;
    for (const auto& [key, value] : response.headers) res.set_header(key, value);
    if (response.status != 204) res.set_content(response.body, response.content_type);
  };
  const char* any = ".*";
  server_->Get(any, handle);
  server_->Post(any, handle);
  server_->Put(any, handle);
  server_->Patch(any, handle);
  server_->Delete(any, handle);
  server_->Options(any, handle);
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  Log(Level::kInfo, "",
      "REST server listening on port " + std::to_string(port_) +
          (credentials_.empty() ? "" : " (HTTP Basic authentication required)"));
}

void RestServer::Stop() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ck::runtime
