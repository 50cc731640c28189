# Runs each lifecycle scenario with the Linux kernel's own TCP (inside a private network namespace made by the
# test) and prints one line per scenario: "name client_port" so the test can find each connection in the capture.
import fcntl, os, socket, struct, subprocess, threading, time

LO = "127.0.0.1"
BLACKHOLE = "198.18.5.1"   # routed to a TUN device nobody reads: SYNs leave and are never answered

def server(port, handler):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((LO, port))
    s.listen(8)
    def run():
        c, _ = s.accept()
        handler(c)
        s.close()
    t = threading.Thread(target=run)
    t.start()
    return t

def connect(port, bind_port=0):
    c = socket.socket()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.bind((LO, bind_port))
    c.connect((LO, port))
    return c

def report(name, sock_or_port):
    port = sock_or_port if isinstance(sock_or_port, int) else sock_or_port.getsockname()[1]
    print(name, port, flush=True)

def drain(c):
    try:
        while c.recv(65536):
            pass
    except ConnectionResetError:
        pass

# 1. Client closes first: the client holds TIME_WAIT.
def echo_then_close(c):
    c.sendall(c.recv(100).upper())
    drain(c)
    c.close()
t = server(5001, echo_then_close)
c = connect(5001); c.sendall(b"hello"); c.recv(100); report("client_close", c); c.close(); t.join()
time.sleep(0.05)

# 2. Server closes first: the server holds TIME_WAIT.
def answer_and_close(c):
    c.recv(100); c.sendall(b"bye"); c.close()
t = server(5002, answer_and_close)
c = connect(5002); c.sendall(b"request"); c.recv(100); drain(c); report("server_close", c); c.close(); t.join()
time.sleep(0.05)

# 3. The client aborts with SO_LINGER 0: a reset instead of a FIN, after data.
t = server(5003, lambda c: (drain(c), c.close()))
c = connect(5003); c.sendall(b"data")
time.sleep(0.02)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
report("linger_reset", c); c.close(); t.join()
time.sleep(0.05)

# 4. Nothing listens: the kernel answers the SYN with RST-ACK.
c = socket.socket(); c.bind((LO, 0)); port = c.getsockname()[1]
try:
    c.connect((LO, 5009))
except ConnectionRefusedError:
    pass
report("refused", port); c.close()
time.sleep(0.05)

# 5. Half-close: the client shuts down its sending side, the server still answers, then closes.
def half_close_server(c):
    data = b""
    while True:
        b = c.recv(100)
        if not b: break
        data += b
    time.sleep(0.05)
    c.sendall(b"answer after your FIN: " + data)
    c.close()
t = server(5004, half_close_server)
c = connect(5004); c.sendall(b"question"); c.shutdown(socket.SHUT_WR)
drain(c); report("half_close", c); c.close(); t.join()
time.sleep(0.05)

# 6. Quick reuse of a 4-tuple: the server closes first (it holds TIME_WAIT), then the client connects again
#    from the same port; Linux accepts a SYN with a higher ISN in TIME_WAIT (RFC 6191).
def close_first(c):
    c.recv(100); c.close()
for i in range(2):
    t = server(5005, close_first)
    c = connect(5005, bind_port=41005); c.sendall(b"again"); drain(c); report("reuse" + str(i), c); c.close(); t.join()
    time.sleep(0.1)

# 7. The server accepts, then resets at once (SO_LINGER 0 before any data).
def reset_at_once(c):
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
t = server(5006, reset_at_once)
c = connect(5006); t.join()
drain(c)
report("server_reset", c); c.close()
time.sleep(0.05)

# 8. An unanswered SYN: connect to an address routed into a TUN device this script holds open but never reads,
#    so the SYNs leave (and are captured) and nothing answers; the kernel retries after 1 s, then 2 s more.
TUNSETIFF, IFF_TUN, IFF_NO_PI = 0x400454ca, 0x0001, 0x1000
tun = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", b"synackbh", IFF_TUN | IFF_NO_PI))
for cmd in (["ip", "addr", "add", "10.9.9.1/24", "dev", "synackbh"], ["ip", "link", "set", "synackbh", "up"],
            ["ip", "route", "add", "198.18.5.0/24", "dev", "synackbh"]):
    subprocess.run(cmd, check=True)
c = socket.socket(); c.settimeout(3.5); c.bind(("0.0.0.0", 0))
try:
    c.connect((BLACKHOLE, 80))
except (socket.timeout, OSError):
    pass
report("unanswered", c.getsockname()[1]); c.close()
