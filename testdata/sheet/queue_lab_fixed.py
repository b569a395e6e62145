# queue_lab.py with its two defects fixed, so that any number of items
# passes (docs/course.md, "Why the sheet's queue program hangs"):
#  - p2 starts before p1 is joined: p1 cannot exit while its items still
#    sit in the pipe under the queue, and only p2 empties that pipe;
#  - p1 ends the data with None and p2 reads until it, instead of
#    stopping at the first empty() (racy now that both run at once).
import multiprocessing

def mult_ten(list, q):
    print("Queue = list * 10")
    for num in list:
        q.put(num * 10)
    q.put(None)

def print_queue(q):
    print("Queue elements:")
    while (num := q.get()) is not None:
        print(num)

if __name__ == "__main__":
    list = []
    n = int(input("Enter the datasize: "))
    for i in range(n):
        a = int(input("Enter the data: "))
        list.append(a)
    q = multiprocessing.Queue()
    p1 = multiprocessing.Process(target=mult_ten, args=(list, q))
    p2 = multiprocessing.Process(target=print_queue, args=(q,))
    p1.start()
    p2.start()
    p1.join()
    p2.join()
