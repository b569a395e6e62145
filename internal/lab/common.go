package lab

// Common lists the options every lab has, for its usage text.
const Common = `  -i        the lab sheet's dialogue on standard input (the default when
            standard input is a terminal and no FILE is given)
  -trace    print each IPC system call to standard error as it happens
  -timeout D
            give up on a child stopped (kill -STOP) for D, which its peer
            would wait for for ever (default 10s; 0 waits for ever)
  -h        this help
`
