/* Preloaded before libfaketime when the suite runs at other hall times (.ci/hours).
 * libfaketime 0.9.10 fakes CLOCK_MONOTONIC and CLOCK_REALTIME but does not intercept the
 * waits that take a clock and an absolute deadline on it (glibc 2.30+). Python 3.11 times
 * every lock wait with sem_clockwait(CLOCK_MONOTONIC): the deadline it computes from the
 * faked clock lies decades ahead of the kernel's, so a wait that should time out never
 * returns. Loaded before libfaketime, this moves such a deadline from the faked clock to
 * the kernel's (same distance from now) and hands the wait on. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

typedef int (*gettime_fn)(clockid_t, struct timespec *);

static gettime_fn kernel_clock(void)
{
    static gettime_fn real;
    if (!real) {
        void *libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
        real = (gettime_fn)dlsym(libc, "clock_gettime");
    }
    return real;
}

static struct timespec on_kernel_clock(clockid_t clock, const struct timespec *at)
{
    struct timespec faked, kernel, out;
    clock_gettime(clock, &faked);             /* libfaketime's answer */
    kernel_clock()(clock, &kernel);           /* the kernel's */
    long long ns = (long long)(at->tv_sec - faked.tv_sec) * 1000000000LL
                   + (at->tv_nsec - faked.tv_nsec)
                   + (long long)kernel.tv_sec * 1000000000LL + kernel.tv_nsec;
    if (ns < 0) ns = 0;
    out.tv_sec = ns / 1000000000LL;
    out.tv_nsec = ns % 1000000000LL;
    return out;
}

#define NEXT(name) static __typeof__(name) *next; if (!next) next = dlsym(RTLD_NEXT, #name)

int sem_clockwait(sem_t *sem, clockid_t clock, const struct timespec *at)
{
    NEXT(sem_clockwait);
    struct timespec real = on_kernel_clock(clock, at);
    return next(sem, clock, &real);
}

int pthread_cond_clockwait(pthread_cond_t *cond, pthread_mutex_t *mutex, clockid_t clock,
                           const struct timespec *at)
{
    NEXT(pthread_cond_clockwait);
    struct timespec real = on_kernel_clock(clock, at);
    return next(cond, mutex, clock, &real);
}

int pthread_mutex_clocklock(pthread_mutex_t *mutex, clockid_t clock, const struct timespec *at)
{
    NEXT(pthread_mutex_clocklock);
    struct timespec real = on_kernel_clock(clock, at);
    return next(mutex, clock, &real);
}

int pthread_mutex_timedlock(pthread_mutex_t *mutex, const struct timespec *at)
{
    NEXT(pthread_mutex_timedlock);
    struct timespec real = on_kernel_clock(CLOCK_REALTIME, at);
    return next(mutex, &real);
}
