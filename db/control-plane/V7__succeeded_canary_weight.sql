-- A canary that SUCCEEDED used to keep the weight of its last step (e.g. 50) although all traffic was on its
-- version; the engine now records 100, and releases that ended before that say so too.
update releases set weight = 100 where state = 'SUCCEEDED' and weight <> 100;
