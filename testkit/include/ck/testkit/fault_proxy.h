/// @file
/// FaultProxy: a TCP proxy to put between a client under test and a service (a broker, a
/// database), to inject network faults on demand: latency, a cut, connection resets and a black
/// hole, the faults Toxiproxy offers, in-process and without dependencies.
///
/// The proxy listens on 127.0.0.1 on a free port and, for every connection it accepts, opens one
/// to the target and copies bytes both ways on a thread of its own. Point the client at
/// `address()` instead of the service:
///
/// @code
/// auto pg = ck::testkit::PostgresServer::Start();
/// auto proxy = ck::testkit::FaultProxy::Start(pg->host(), pg->port());
/// // ... connector configured with host 127.0.0.1 and port proxy->port() ...
/// proxy->Cut();      // the network goes away: connections drop, new ones are refused
/// proxy->Restore();  // and comes back
/// @endcode
///
/// Each fault operation takes effect before it returns: after Cut() no byte is forwarded on a
/// connection that existed before it. The operations may be called from any thread; the counters
/// may be read from any thread at any time. The destructor closes every connection and the
/// listening socket, and joins the thread.

#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace ck::testkit {

/// A TCP proxy that injects faults between a client and a service; see the file comment.
class FaultProxy {
 public:
  /// Starts a proxy to `target_host`:`target_port` (`target_host` a numeric IPv4 address such as
  /// "127.0.0.1", or "localhost"), listening on 127.0.0.1 on a free port, or on `listen_port`
  /// when it is not 0. Throws std::invalid_argument for a bad host or port, and
  /// std::runtime_error when the listening socket cannot be opened. The target need not be up:
  /// a connection to the proxy is closed when the proxy cannot reach the target.
  static std::unique_ptr<FaultProxy> Start(const std::string& target_host, int target_port,
                                           int listen_port = 0);

  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  /// The host clients connect to: "127.0.0.1".
  const std::string& host() const;
  /// The port clients connect to; stable across Cut() and Restore().
  int port() const;
  /// "host:port" of the proxy, for bootstrap servers and connection strings.
  std::string address() const;

  /// Adds `latency` to the delay of every byte forwarded from now on, in each direction
  /// (a request-response round trip takes twice as long more). Calls add up; Restore() removes
  /// all. Bytes stay in order.
  void AddLatency(std::chrono::milliseconds latency);

  /// The network goes away: every current connection is reset (both the client and the target
  /// see a connection reset) and new connections are refused until Restore().
  void Cut();

  /// Resets every current connection (TCP RST to the client and to the target), as a peer or a
  /// middlebox would. New connections are accepted as usual.
  void Reset();

  /// Packets vanish: connections stay open and new ones are accepted, but no byte is forwarded
  /// in either direction until Restore(), when what was held is delivered. Clients see
  /// timeouts, not errors.
  void Blackhole();

  /// Undoes every fault: no added latency, no black hole, and new connections accepted again
  /// after Cut(). Connections closed by a fault stay closed.
  void Restore();

  /// Connections accepted since Start().
  uint64_t connections_accepted() const;
  /// Connections open now (accepted and not yet closed).
  uint64_t active_connections() const;
  /// Bytes forwarded from clients to the target since Start().
  uint64_t bytes_to_target() const;
  /// Bytes forwarded from the target to clients since Start().
  uint64_t bytes_to_client() const;

  class Impl;  ///< The implementation (internal).

 private:
  explicit FaultProxy(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ck::testkit
