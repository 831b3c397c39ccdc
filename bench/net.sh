# shellcheck shell=bash disable=SC2154 # (variables set by bench/run)
# bench/net.sh: the network benchmarks bench-redis, bench-nginx and bench-tcp.
# Sourced by bench/run (after it has built their targets), whose $work, $bin,
# $name, alternate and summarize it uses. Needs root (namespaces, a tap).
#
# Topology, one virtual link between client and server on either side:
#   client namespace $cns: the clients (redis-benchmark, wrk, tcp_bulk, ping)
#     nabla:  tap0 10.80.0.1/24 -> nabla-run (in $cns) -> the guest, 10.80.0.2
#     native: veth 10.81.0.1/24 -> namespace $sns: veth 10.81.0.2/24 -> the server
# Both servers run at once; the clients alternate between them. Nothing is
# pinned: the nabla side is one host thread that runs its TCP/IP itself, the
# native server's TCP/IP runs in the kernel, partly on the client's CPU
# (veth hands packets over in the sender's softirq), and pinning either one
# would decide that split for it. Both links get the same MTU,
# $NABLA_BENCH_MTU (default 65521, the largest lwIP takes; 1500 to see a
# default link): the tap has no offloads (nabla-run opens it without a
# virtio-net header), so a large MTU is how nabla moves 64 KiB per host
# call; the veth keeps Linux's TSO/GSO and checksum offloads at any MTU.

[[ $EUID == 0 ]] || { echo "bench/run: $name needs root (network namespaces and a tap)" >&2; exit 1; }
for tool in ip redis-benchmark wrk ping; do
    command -v "$tool" >/dev/null || { echo "bench/run: $name needs $tool (scripts/setup installs it)" >&2; exit 1; }
done

bin=$(cd "$bin" && pwd) # servers start in other directories
# Clients and servers share the host's CPUs: the notes say how busy it was.
load0=$(cut -d' ' -f1 /proc/loadavg)
machine() { echo "host: $(nproc) CPUs, 1-minute load average $load0 at the start, $(cut -d' ' -f1 /proc/loadavg) at the end"; }
cns=nabla-bench-c-$$ sns=nabla-bench-s-$$
nabla_ip=10.80.0.2 native_ip=10.81.0.2
servers=()
net_cleanup() {
    local pid
    for pid in "${servers[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    for pid in "${servers[@]}"; do wait "$pid" 2>/dev/null || true; done
    ip netns del "$cns" 2>/dev/null || true # the tap and the veth pair go with them
    ip netns del "$sns" 2>/dev/null || true
    rm -rf "$work"
}
trap net_cleanup EXIT

in_client() { ip netns exec "$cns" "$@"; }
ip netns add "$cns"
ip netns add "$sns"
ip -n "$cns" link set lo up
ip -n "$sns" link set lo up
ip -n "$cns" tuntap add tap0 mode tap
ip -n "$cns" addr add 10.80.0.1/24 dev tap0
mtu=${NABLA_BENCH_MTU:-65521}
ip -n "$cns" link set tap0 mtu "$mtu"
ip -n "$cns" link set tap0 up
ip -n "$cns" link add veth0 type veth peer name veth0 netns "$sns"
ip -n "$cns" link set veth0 mtu "$mtu"
ip -n "$sns" link set veth0 mtu "$mtu"
ip -n "$cns" addr add 10.81.0.1/24 dev veth0
ip -n "$sns" addr add 10.81.0.2/24 dev veth0
ip -n "$cns" link set veth0 up
ip -n "$sns" link set veth0 up
nabla_net=(--net:eth0=tap0 "--net-ip:eth0=$nabla_ip/24" --net-gw:eth0=10.80.0.1)

# serve SIDE DIR CMD...: starts one side's server in DIR, in the background
# (output in $work/SIDE.log), and waits until it accepts on $port.
serve() {
    local side=$1 dir=$2 ip i
    shift 2
    (cd "$dir" && exec "$@") >"$work/$side.log" 2>&1 &
    servers+=($!)
    ip=$([[ $side == nabla ]] && echo $nabla_ip || echo $native_ip)
    for ((i = 0; i < 300; i++)); do
        in_client bash -c "exec 3<>/dev/tcp/$ip/$port" 2>/dev/null && return
        kill -0 "${servers[-1]}" 2>/dev/null || break
        sleep 0.05
    done
    cat "$work/$side.log" >&2
    echo "bench/run: the $side server did not accept on $ip:$port: $*" >&2
    exit 1
}
serve_nabla() { serve nabla "$work" ip netns exec "$cns" "$bin/nabla-run" "${nabla_net[@]}" "$@"; }
serve_native() { serve native "$1" ip netns exec "$sns" "${@:2}"; }

# unpack IMAGE DIR: a root image (a tar) as a directory, for the native side.
unpack() { mkdir -p "$2" && tar xf "$1" -C "$2"; }

case $name in
bench-redis)
    # redis-benchmark's own figures (requests per second), SET then GET, 50
    # connections, one request per round trip and 16 pipelined.
    port=6379
    unpack "$bin/redis-root.img" "$work/redis"
    serve_nabla --mem=1024 "--block-ro:rootfs=$bin/redis-root.img" --root=rootfs "$bin/redis-server.nabla" /etc/redis/redis.conf
    serve_native "$work/redis" "$bin/redis-server-native" etc/redis/redis.conf
    redis_bench() { # redis_bench HOST PIPELINE REQUESTS: "result SET_Pn R" and GET
        local out results
        out=$(in_client redis-benchmark -h "$1" -p "$port" -c 50 -P "$2" -n "$3" -t set,get --csv) || return
        results=$(awk -F'"' -v p="$2" '$2 == "SET" || $2 == "GET" { printf "result %s_P%s %s\n", $2, p, $4 }' <<<"$out")
        [[ $(wc -l <<<"$results") == 2 ]] || { echo "$out" >&2 && return 1; }
        echo "$results" >&2
    }
    for pipeline in 1 16; do
        requests=$((pipeline == 1 ? 400000 : 4000000))
        alternate 5 redis_bench $nabla_ip $pipeline $requests -- redis_bench $native_ip $pipeline $requests
    done
    summarize "requests per second" higher geomean \
        "median of 5 runs per side after 1 warm-up, alternated; one run = redis-benchmark -c 50 -P {1,16} -n {400k,4M} -t set,get from the client namespace; nabla: redis-server.nabla (--mem=1024, root image) over tap0, native: redis-server-native (same source and compiler flags, glibc) over veth; MTU $mtu on both links; $(machine)"
    ;;
bench-nginx)
    # wrk for a fixed time per run; requests/s and transfer/s per file.
    # Both sides serve the same tree: nginx-root.img plus a 64 KiB file,
    # made into a new image for nabla and unpacked for native.
    port=8080
    unpack "$bin/nginx-root.img" "$work/nginx"
    head -c 65536 /dev/urandom >"$work/nginx/www/64k.bin"
    "$bin/nabla-mkroot" "$work/nginx" "$work/nginx-root.img"
    serve_nabla "--block-ro:rootfs=$work/nginx-root.img" --root=rootfs "$bin/nginx.nabla"
    serve_native "$work/nginx" "$bin/nginx-native" -p "$work/nginx/" -c etc/nginx/nginx.conf
    wrk_run() { # wrk_run HOST FILE KEY: "result KEY_reqps R" and "result KEY_MBps T"
        local out
        out=$(in_client wrk -t2 -c50 -d4s "http://$1:$port/$2") || return
        if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then echo "$out" >&2 && return 1; fi
        awk -v k="$3" '
            $1 == "Requests/sec:" { printf "result %s_reqps %s\n", k, $2 }
            $1 == "Transfer/sec:" { v = $2; m = 1e-6
                if (v ~ /GB$/) m = 1073.741824; else if (v ~ /MB$/) m = 1.048576; else if (v ~ /KB$/) m = 0.001024
                printf "result %s_MBps %.2f\n", k, v * m }' <<<"$out" >&2
    }
    for file in index.html 64k.bin; do
        alternate 5 wrk_run $nabla_ip $file ${file%%.*} -- wrk_run $native_ip $file ${file%%.*}
    done
    summarize "requests per second (*_reqps), MB/s (10^6 B/s, *_MBps)" higher geomean \
        "median of 5 runs per side after 1 warm-up, alternated; one run = wrk -t2 -c50 -d4s http://HOST:8080/FILE from the client namespace, keep-alive; index.html: $(stat -c %s "$work/nginx/www/index.html") B, 64k.bin: 65536 B; nabla: nginx.nabla (root image) over tap0, native: nginx-native (same source and compiler flags, glibc) over veth, one process each; MTU $mtu on both links; $(machine)"
    ;;
bench-tcp)
    # Bulk TCP both ways with bench/tcp_bulk.c against net_server.c (the
    # unikernel and its native build), then a ping flood: the guest's lwIP
    # answers on one side, the server namespace's kernel on the other (in
    # ping's own system call, no wake-up). nabla's round trip is bimodal:
    # ~6 us when the scheduler keeps ping and nabla-run on one CPU, 25-100 us
    # when every wake-up crosses to the other (idle) CPU of a VM.
    port=7
    bytes=$((1 << 30))
    serve_nabla "$bin/net-server.nabla"
    serve_native "$work" "$bin/net-server-native"
    bulk() { in_client "$bin/bench-tcp-bulk" "$@"; }
    alternate 5 bulk $nabla_ip send $bytes -- bulk $native_ip send $bytes
    alternate 5 bulk $nabla_ip recv $bytes -- bulk $native_ip recv $bytes
    flood() { # flood HOST: "result ping_rtt_us T", T = ping's time / count
        local out ms
        out=$(in_client ping -f -q -c 20000 "$1") || { echo "$out" >&2 && return 1; }
        ms=$(sed -nE 's|^20000 packets transmitted, 20000 received.*, time ([0-9]+)ms$|\1|p' <<<"$out")
        [[ $ms ]] || { echo "$out" >&2 && return 1; }
        awk -v ms="$ms" 'BEGIN { printf "result ping_rtt_us %.3f\n", ms * 1000 / 20000 }' >&2
    }
    alternate 9 flood $nabla_ip -- flood $native_ip
    summarize "GB/s (10^9 B/s); ping_rtt_us: round trip, us" higher geomean \
        "median of 5 runs per side after 1 warm-up, alternated, from the client namespace; send: 1 GiB to the discard service (TCP 9), recv: 1 GiB from the source service (TCP 19), one connection, connect to last byte; ping_rtt_us: ping -f -c 20000, its time / 20000 (ping -f sends the next echo once a reply is in: the time is 20000 round trips; ping's own avg has 1 us resolution), 9 runs; nabla: net-server.nabla over tap0 (lwIP answers pings), native: net-server-native (glibc) over veth (the kernel answers pings); MTU $mtu on both links; $(machine)" \
        ping_rtt_us
    ;;
esac
