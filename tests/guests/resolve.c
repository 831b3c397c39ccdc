/*
 * Name resolution through musl's resolver: /etc/hosts first, then DNS over
 * UDP to the servers in /etc/resolv.conf. Prints "NAME ADDRESS" for each
 * argument, or "NAME error MESSAGE".
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
        int rc = getaddrinfo(argv[i], "80", &hints, &res);
        if (rc) {
            printf("%s error %s\n", argv[i], gai_strerror(rc));
            continue;
        }
        char text[INET_ADDRSTRLEN];
        struct sockaddr_in *a = (struct sockaddr_in *)res->ai_addr;
        printf("%s %s\n", argv[i], inet_ntop(AF_INET, &a->sin_addr, text, sizeof text));
        freeaddrinfo(res);
    }
    return 0;
}
