/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

/*
 * The lab's stream reflector inside a QEMU guest (a busybox system has no Python): every UDP
 * datagram to PORT goes back to its sender unchanged, as vmtools.py's reflect does. Built
 * statically with Debian's gcc at setup (lab/cloudroam_lab/guest.py).
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 7777;
    int sock = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in self = {0};
    self.sin_family = AF_INET;
    self.sin_port = htons((unsigned short) port);
    self.sin_addr.s_addr = htonl(INADDR_ANY);
    if (sock < 0 || bind(sock, (struct sockaddr *) &self, sizeof self) < 0) {
        perror("reflect");
        return 1;
    }
    char buffer[65536];
    for (;;) {
        struct sockaddr_in peer;
        socklen_t length = sizeof peer;
        ssize_t got = recvfrom(sock, buffer, sizeof buffer, 0, (struct sockaddr *) &peer, &length);
        if (got >= 0) {
            /* a sender unreachable for a while (a move in progress) is not this end's problem */
            sendto(sock, buffer, (size_t) got, 0, (struct sockaddr *) &peer, length);
        }
    }
}
