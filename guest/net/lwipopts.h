/*
 * lwIP's configuration for nabla: a server's TCP/IP stack, not a
 * microcontroller's. Everything lwIP allocates comes from musl's malloc, so
 * connections, segments and buffers are bounded by guest memory, not by
 * fixed pools; windows and send buffers are sized for a fast local link.
 *
 * The raw API only (NO_SYS): the library OS's socket layer drives lwIP
 * from its cooperative threads, and guest/net/netif.cpp feeds it frames and
 * runs its timers from the scheduler's idle path. One CPU, no preemption,
 * so lwIP needs no locks.
 */
#ifndef NABLA_LWIPOPTS_H
#define NABLA_LWIPOPTS_H

/* ---- System: raw API, no threads of lwIP's own ---- */
#define NO_SYS                          1
#define SYS_LIGHTWEIGHT_PROT            0
#define LWIP_SOCKET                     0 /* the library OS has its own socket layer */
#define LWIP_NETCONN                    0
#define LWIP_NETIF_API                  0
#define LWIP_ERRNO_STDINCLUDE           1 /* musl's errno values: Linux's */
/* musl's <netinet/in.h> declares htons() and friends; lwIP must not
 * define macros of those names over them. */
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS 1

/* ---- Memory: musl's malloc, no fixed pools ---- */
#define MEM_LIBC_MALLOC                 1
#define MEMP_MEM_MALLOC                 1
#define MEM_ALIGNMENT                   8
/* With MEMP_MEM_MALLOC these cap nothing (each object is one malloc); they
 * are set to what a busy server has, for lwIP's sanity checks. */
#define MEMP_NUM_TCP_PCB                4096
#define MEMP_NUM_TCP_PCB_LISTEN         64
#define MEMP_NUM_UDP_PCB                256
#define MEMP_NUM_TCP_SEG                8192
#define MEMP_NUM_ARP_QUEUE              256
#define PBUF_POOL_SIZE                  256

/* ---- Link: Ethernet over taps, one netif per net device ---- */
#define LWIP_ARP                        1
#define LWIP_ETHERNET                   1
#define ARP_TABLE_SIZE                  128 /* a busy /24 neighbourhood */
#define ARP_QUEUEING                    1   /* keep what is sent while ARP resolves */
#define ARP_QUEUE_LEN                   16
#define ETHARP_TABLE_MATCH_NETIF        1
#define LWIP_NETIF_HWADDRHINT           1   /* each pcb remembers its ARP entry */
#define LWIP_SINGLE_NETIF               0
/* The tap gets one frame per write: have lwIP build frames as one pbuf so
 * netif.cpp rarely needs to copy a chain together (needs TCP_OVERSIZE). */
#define LWIP_NETIF_TX_SINGLE_PBUF       1
/* 127.0.0.1 for programs that talk to themselves; netif.cpp delivers the
 * looped packets from the scheduler's idle path. */
#define LWIP_NETIF_LOOPBACK             1
#define LWIP_HAVE_LOOPIF                1

/* ---- IPv4 ---- */
#define LWIP_IPV4                       1
#define LWIP_IPV6                       0
#define IP_DEFAULT_TTL                  64  /* Linux's */
#define IP_FORWARD                      0
#define IP_REASSEMBLY                   1   /* large UDP datagrams (DNS with EDNS) */
#define IP_FRAG                         1
#define IP_REASS_MAX_PBUFS              64  /* up to a 64 KiB datagram at 1500 MTU, and no more */
#define LWIP_ICMP                       1
#define LWIP_BROADCAST_PING             0
#define LWIP_MULTICAST_PING             0
#define LWIP_RAW                        0
#define LWIP_IGMP                       0
#define LWIP_DHCP                       0   /* addresses come from nabla-run's command line */
#define LWIP_AUTOIP                     0
#define LWIP_DNS                        0   /* musl's resolver does DNS over UDP sockets */
#define LWIP_UDP                        1
#define LWIP_UDPLITE                    0
/* Extra routes per device (--net-route) and their gateways: routes.cpp.
 * (Defined here, not in the hook file: lwip/ip4.h looks for the first.) */
#define LWIP_HOOK_FILENAME              "nabla_lwip_hooks.h"
#define LWIP_HOOK_IP4_ROUTE_SRC(src, dest) nabla_lwip_route(src, dest)
#define LWIP_HOOK_ETHARP_GET_GW(netif, dest) nabla_lwip_gateway(netif, dest)

/* ---- TCP, sized for servers on a fast local link ---- */
#define LWIP_TCP                        1
/* The largest segment a frame of 64 KiB (lwIP's 16-bit pbuf length) can
 * carry. Each connection uses min(this, its netif's MTU - 40) and the
 * peer's MSS option: 1460 on a 1500-byte tap, 64 KiB segments on a tap
 * with a jumbo MTU, where bulk transfers need a sixth of the host calls. */
#define TCP_MSS                         (0xffff - 14 - 20 - 20)
/* Bytes tcp_write allocates beyond what it was given, for the next write
 * to append to (lwIP's default, a whole MSS, would be 64 KiB per reply). */
#define TCP_OVERSIZE                    1460
#define LWIP_WND_SCALE                  1
#define TCP_RCV_SCALE                   4                 /* room for windows up to 1 MiB */
#define TCP_WND                         (960 * 1024)      /* several 64 KiB segments in flight */
#define TCP_SND_BUF                     (960 * 1024)
/* lwIP's checks assume 16-bit send buffers (no window scaling): with a
 * 64 KiB MSS its "TCP_SNDLOWAT 4 MSS below u16 overflow" cannot hold, and
 * TCP_SNDLOWAT is only read by lwIP's own socket API, which is not built.
 * The checks that matter hold: SND_BUF and WND >= 2 MSS, QUEUELEN >= 2 *
 * SND_BUF / MSS. */
#define LWIP_DISABLE_TCP_SANITY_CHECKS  1
/* pbufs on a connection's send queue. Each costs only what it holds, so
 * the count is set where many small writes (a pipelining client's
 * replies), not just the byte limit, rarely reach it; lwIP wants at least
 * 2 * TCP_SND_BUF / TCP_MSS. */
#define TCP_SND_QUEUELEN                4096
/* Writable again (poll, epoll) when this much send buffer is free; lwIP's
 * default (half the buffer) would overflow its 16-bit check. */
#define TCP_SNDLOWAT                    (32 * 1024)
#define TCP_QUEUE_OOSEQ                 1
/* listen(fd, n): at most n (up to 255, a u8_t in lwIP) handshakes in
 * progress, and connections not yet accepted if the socket layer holds
 * them with tcp_backlog_delayed(); bounds what a SYN flood can allocate. */
#define TCP_LISTEN_BACKLOG              1
#define TCP_DEFAULT_LISTEN_BACKLOG      0xff
#define SO_REUSE                        1   /* SO_REUSEADDR: restart a server while TIME_WAIT lingers */
#define LWIP_TCP_KEEPALIVE              1   /* TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT per socket */
#define LWIP_TCP_TIMESTAMPS             0
#define TCP_MSL                         30000UL /* TIME_WAIT lasts 2 * MSL = 60 s, as on Linux */
#define LWIP_CALLBACK_API               1
#define LWIP_EVENT_API                  0
/* Initial sequence numbers and first ephemeral ports are random, not
 * guessable counters (lwip_port.cpp). */
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port) \
    nabla_lwip_tcp_isn(local_ip, local_port, remote_ip, remote_port)
#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 1

/* ---- Checksums: computed while copying data in, checked on input ---- */
#define LWIP_CHECKSUM_ON_COPY           1

/* ---- Off: statistics, debugging output, lwIP's own optional apps ---- */
#define LWIP_STATS                      0
#define LWIP_STATS_DISPLAY              0
#define MIB2_STATS                      0
#define LWIP_NETIF_STATUS_CALLBACK      0
#define LWIP_NETIF_LINK_CALLBACK        0
#define PPP_SUPPORT                     0
#define LWIP_ALTCP                      0

#endif
